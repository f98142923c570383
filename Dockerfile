# Build: the thin jar and its runtime dependencies (no simulator, S3Proxy or Kafka broker in it)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/wxacode-route.jar /app/wxacode-route.jar
COPY --from=build /src/target/lib /app/lib
# routes are read from the file system: mount a folder over /app/routes to change them without a rebuild
COPY routes /app/routes
EXPOSE 8080 9876
USER 10001
# The JVM the benchmark measures (BENCHMARKS.md): a small serial-collected heap, a 384 MB container
# is enough. glibc otherwise keeps a malloc arena per thread: tens of MB for 100 HTTP workers.
# An OutOfMemoryError ends the JVM, so the orchestrator restarts it rather than keep a live husk.
ENV JAVA_OPTS="-XX:+UseSerialGC -Xms48m -Xmx96m -XX:MaxMetaspaceSize=128m -Xss512k -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/wxacode-route.jar"]
