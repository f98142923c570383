package dev.wxacode.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP relay in front of a server that keeps what clients send: the requests as they go over the
 * wire, headers and all. Bytes pass unchanged, so SigV4 signatures (over the Host header too)
 * still verify. For what a server does not show back, e.g. a header S3Proxy ignores.
 */
public final class RecordingRelay implements AutoCloseable {

    private static final Pattern REQUEST_LINE = Pattern.compile("(?m)^(GET|PUT|POST|HEAD|DELETE) \\S+ HTTP/1\\.1(?=\r\n)");

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final StringBuffer sent = new StringBuffer();
    private final List<Socket> sockets = new ArrayList<>();

    private RecordingRelay(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    public static RecordingRelay to(URI target) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        RecordingRelay relay = new RecordingRelay(server, new InetSocketAddress(target.getHost(), target.getPort()));
        Thread accepting = new Thread(relay::accept, "recording-relay");
        accepting.setDaemon(true);
        accepting.start();
        return relay;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Every request head sent so far (request line and headers), oldest first. */
    public List<String> requestHeads() {
        String all = sent.toString();
        List<String> heads = new ArrayList<>();
        Matcher start = REQUEST_LINE.matcher(all);
        while (start.find()) {
            int end = all.indexOf("\r\n\r\n", start.start());
            heads.add(all.substring(start.start(), end < 0 ? all.length() : end));
        }
        return heads;
    }

    public void forget() {
        sent.setLength(0);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(upstream);
                }
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) {
        Thread pumping = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (record) {
                        // ISO-8859-1 keeps one char per byte: image bodies pass as noise, heads as text
                        sent.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "recording-relay-pump");
        pumping.setDaemon(true);
        pumping.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            sockets.forEach(RecordingRelay::closeQuietly);
        }
    }
}
