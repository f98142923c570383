package dev.wxacode;

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
        main.configure().addConfiguration(CamelConfiguration.class);
        return main;
    }
}
