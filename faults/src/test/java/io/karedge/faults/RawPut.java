package io.karedge.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A large HTTP PUT over a plain socket, sent in chunks while watching for an early answer: a server that
 * refuses a body it will not read (413) may answer and close before the body is sent, and a client that
 * only reads after sending would see a reset instead of the answer.
 */
final class RawPut {

    private static final int CHUNK = 64 * 1024;

    private RawPut() {
    }

    /** @return the HTTP status, or -1 when the connection ended without an answer */
    static int put(int port, String path, byte[] body, int timeoutMs, String authorization) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(timeoutMs);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + authorization + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                for (int offset = 0; offset < body.length && in.available() == 0; offset += CHUNK) {
                    out.write(body, offset, Math.min(CHUNK, body.length - offset));
                }
                out.flush();
            } catch (IOException writeFailed) {
                // the server stopped reading; its answer may already be here
            }
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
            if (line == null) {
                return -1;
            }
            String[] parts = line.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
