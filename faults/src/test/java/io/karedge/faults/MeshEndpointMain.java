package io.karedge.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A Service endpoint for the multi-node tests, run as a process inside a node's network namespace: a TCP
 * listener that greets every connection with its name on a line of its own and then echoes every byte back.
 *
 * <p>Arguments: bind address, port, name. Prints {@code listening} once bound; ends when its stdin closes.
 */
public final class MeshEndpointMain {

    private MeshEndpointMain() {
    }

    public static void main(String[] args) throws IOException {
        byte[] greeting = (args[2] + "\n").getBytes(StandardCharsets.UTF_8);
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])), 128);
        System.out.println("listening");
        System.out.flush();
        Thread parent = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing expected; the end of stdin means the test is gone
                }
            } catch (IOException e) {
                // same
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watch");
        parent.setDaemon(true);
        parent.start();
        while (true) {
            Socket socket = server.accept();
            Thread connection = new Thread(() -> echo(socket, greeting), "echo");
            connection.setDaemon(true);
            connection.start();
        }
    }

    private static void echo(Socket socket, byte[] greeting) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            socket.setTcpNoDelay(true);
            out.write(greeting);
            out.flush();
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
