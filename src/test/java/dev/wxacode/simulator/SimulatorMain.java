package dev.wxacode.simulator;

/** Runs the simulator by itself: {@code SIM_HOST}, {@code SIM_PORT}, {@code SIM_APP_ID}, {@code SIM_APP_SECRET}. */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        String host = env("SIM_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("SIM_PORT", "9100"));
        WechatSimulator sim = WechatSimulator.withDefaults(env("SIM_APP_ID", "wx0000000000local"),
                env("SIM_APP_SECRET", "local-secret-0123456789abcdef")).start(host, port);
        System.out.println("WeChat simulator on " + sim.baseUrl() + " (GET /__sim/stats for counters)");
        Thread.currentThread().join();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
