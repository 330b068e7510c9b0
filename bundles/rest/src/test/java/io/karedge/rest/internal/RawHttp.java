package io.karedge.rest.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 exchange written byte by byte, for what ordinary clients refuse to send (broken chunking,
 * invalid UTF-8, bodies that never end). The body is written on a thread of its own while the answer is read,
 * so that a server that answers early (413) is heard even while the body is still being sent.
 */
final class RawHttp {

    /** Writes the request body. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    record Answer(int status, String text) {
    }

    private RawHttp() {
    }

    static Answer exchange(int port, String head, Body body) throws IOException, InterruptedException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(head.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    body.writeTo(out);
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed before the body was all sent
                }
            }, "raw-http-writer");
            writer.start();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; !complete(received.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // reset after the answer: keep what came
            }
            socket.close();
            writer.join(30_000);
            String text = received.toString(StandardCharsets.UTF_8);
            int space = text.indexOf(' ');
            int status = space < 0 ? -1 : Integer.parseInt(text.substring(space + 1, space + 4));
            return new Answer(status, text);
        }
    }

    /** @return whether {@code text} holds a whole answer: its head and its body, by length or last chunk */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int length = head.indexOf("content-length:");
        if (length >= 0) {
            int lineEnd = head.indexOf("\r\n", length);
            long expected = Long.parseLong(head.substring(length + 15, lineEnd < 0 ? head.length() : lineEnd).trim());
            return text.length() - end - 4 >= expected;
        }
        if (head.contains("transfer-encoding: chunked")) {
            return text.endsWith("\r\n0\r\n\r\n");
        }
        return false;
    }

    static Body bytes(byte[] content) {
        return out -> out.write(content);
    }

    /** @return a chunked body of {@code content}, in chunks of at most 8 KiB, with its last chunk */
    static Body chunked(InputStream content) {
        return out -> {
            byte[] buffer = new byte[8192];
            for (int n; (n = content.read(buffer)) > 0; ) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(buffer, 0, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        };
    }
}
