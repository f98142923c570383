package dev.wxacode;

import dev.wxacode.http.ApiServerFactory;
import org.apache.camel.main.Main;

/** Starts wxacode-route: Camel Main, its routes loaded from {@code routes/*.camel.yaml} on disk. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        create().run(args);
    }

    /** The application, not started; tests and local mode add override properties before starting it. */
    public static Main create() {
        Main main = new Main();
        // bound before Main configures camel.server: the API port is an ApiServer, not Camel's default server
        main.bind("apiServerFactory", new ApiServerFactory());
        main.configure().addConfiguration(CamelConfiguration.class);
        return main;
    }
}
