package dev.wxacode.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The reference: what a careful hand-written client does for one code, with no Camel. One stable
 * token fetched up front, getUnlimited with the JDK HttpClient, the image checked by its magic
 * bytes, put into the same S3 server with the AWS SDK.
 */
final class RawClient {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final String baseUrl;
    private final S3Client s3;
    private final String bucket;
    private final String token;

    RawClient(String baseUrl, String appId, String secret, S3Client s3, String bucket) throws Exception {
        this.baseUrl = baseUrl;
        this.s3 = s3;
        this.bucket = bucket;
        String body = mapper.writeValueAsString(java.util.Map.of("grant_type", "client_credential", "appid", appId,
                "secret", secret, "force_refresh", false));
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/cgi-bin/stable_token"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = mapper.readTree(answer.body());
        this.token = json.path("access_token").asText();
    }

    boolean generate(String scene) throws Exception {
        byte[] body = mapper.writeValueAsBytes(java.util.Map.of("scene", scene));
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/wxa/getwxacodeunlimit?access_token=" + token))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] image = answer.body();
        boolean jpeg = image.length > 2 && (image[0] & 0xFF) == 0xFF && (image[1] & 0xFF) == 0xD8;
        boolean png = image.length > 3 && (image[0] & 0xFF) == 0x89 && image[1] == 'P';
        if (!jpeg && !png) {
            return false;
        }
        String key = "raw/" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(scene.getBytes(StandardCharsets.UTF_8)));
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(png ? "image/png" : "image/jpeg"), RequestBody.fromBytes(image));
        return true;
    }
}
