package io.karedge.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;

/**
 * The client side of the multi-node tests, run as a process inside a node's network namespace (the test JVM
 * cannot open sockets in another namespace). One command per process, results on stdout, one line each:
 * <ul>
 * <li>{@code resolve <dns port> <name>}: an {@code A} query to {@code 127.0.0.1:<dns port>} (the node's mesh
 * DNS); prints {@code address <ip>} or {@code none <reason>}.</li>
 * <li>{@code loop <host> <port> <count> <millis>}: sequential new connections until {@code count} were made or
 * {@code millis} passed; each reads the endpoint's greeting (its name) and one echoed byte, and prints
 * {@code <start ms> <end ms> ok <endpoint>} or {@code <start ms> <end ms> fail <reason>} (epoch milliseconds).
 * Then {@code done}.</li>
 * <li>{@code stream <host> <port> <endpoint> <seconds>}: connects until the greeting is {@code endpoint}
 * (round robin reaches it within a few tries once it is not ejected; up to 120 tries 250 ms apart), prints
 * {@code open <endpoint>}, then sends 1 KiB every 10 ms and reads each echo back for {@code seconds}; prints
 * {@code completed bytes=<n>}, or when the stream breaks {@code ended <eof|error|timeout> bytes=<n> at=<epoch ms> detail=<text>}.</li>
 * <li>{@code get <url> <token file>}: an HTTP GET with {@code Authorization: Bearer <token>} (the node's REST
 * API as its user reaches it); prints {@code status <code>} and then the body on one line.</li>
 * </ul>
 */
public final class MeshClientMain {

    private static final int TIMEOUT_MS = 3000;

    private MeshClientMain() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "resolve" -> resolve(Integer.parseInt(args[1]), args[2]);
            case "loop" -> loop(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
            case "stream" -> stream(args[1], Integer.parseInt(args[2]), args[3], Long.parseLong(args[4]));
            case "get" -> get(args[1], java.nio.file.Path.of(args[2]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
        System.out.flush();
    }

    private static void resolve(int port, String name) {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        environment.put(Context.PROVIDER_URL, "dns://127.0.0.1:" + port);
        environment.put("com.sun.jndi.dns.timeout.initial", "500");
        environment.put("com.sun.jndi.dns.timeout.retries", "2");
        try {
            Attribute answer = new InitialDirContext(environment).getAttributes(name, new String[] {"A"}).get("A");
            System.out.println(answer == null || answer.size() == 0 ? "none no A record" : "address " + answer.get(0));
        } catch (NamingException e) {
            System.out.println("none " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void loop(String host, int port, int count, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        for (int i = 0; i < count && System.currentTimeMillis() < end; i++) {
            long start = System.currentTimeMillis();
            String result;
            try (Socket socket = connect(host, port)) {
                String name = greeting(socket.getInputStream());
                socket.getOutputStream().write('x');
                socket.getOutputStream().flush();
                int echoed = socket.getInputStream().read();
                result = echoed == 'x' ? "ok " + name : "fail no echo from " + name;
            } catch (IOException e) {
                result = "fail " + describe(e);
            }
            System.out.println(start + " " + System.currentTimeMillis() + " " + result);
            System.out.flush();
            Thread.sleep(20);
        }
        System.out.println("done");
    }

    private static void stream(String host, int port, String endpoint, long seconds) throws IOException {
        Socket found = null;
        for (int attempt = 0; attempt < 120 && found == null; attempt++) {
            Socket candidate = connect(host, port);
            if (greeting(candidate.getInputStream()).equals(endpoint)) {
                found = candidate;
            } else {
                candidate.close();
                sleep(250); // the endpoint may be ejected for a while yet
            }
        }
        if (found == null) {
            System.out.println("none reached " + endpoint);
            return;
        }
        System.out.println("open " + endpoint);
        System.out.flush();
        byte[] chunk = new byte[1024];
        byte[] back = new byte[1024];
        long bytes = 0;
        long end = System.currentTimeMillis() + seconds * 1000;
        try (Socket socket = found) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            while (System.currentTimeMillis() < end) {
                out.write(chunk);
                out.flush();
                int filled = 0;
                while (filled < back.length) {
                    int read = in.read(back, filled, back.length - filled);
                    if (read < 0) {
                        System.out.println("ended eof bytes=" + bytes + " at=" + System.currentTimeMillis()
                                + " detail=the stream closed before its echo");
                        return;
                    }
                    filled += read;
                }
                bytes += filled;
                Thread.sleep(10);
            }
            System.out.println("completed bytes=" + bytes);
        } catch (SocketTimeoutException e) {
            System.out.println("ended timeout bytes=" + bytes + " at=" + System.currentTimeMillis() + " detail="
                    + describe(e));
        } catch (IOException e) {
            System.out.println("ended error bytes=" + bytes + " at=" + System.currentTimeMillis() + " detail="
                    + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void get(String url, java.nio.file.Path tokenFile) throws IOException {
        String token = java.nio.file.Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) java.net.URI.create(url).toURL()
                .openConnection();
        connection.setConnectTimeout(TIMEOUT_MS);
        connection.setReadTimeout(10_000);
        connection.setRequestProperty("Authorization", "Bearer " + token);
        int status = connection.getResponseCode();
        InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("status " + status);
        System.out.println(text.replace('\n', ' '));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Socket connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String greeting(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int next;
        while ((next = in.read()) != '\n') {
            if (next < 0) {
                throw new IOException("closed before the endpoint's greeting");
            }
            line.write(next);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
