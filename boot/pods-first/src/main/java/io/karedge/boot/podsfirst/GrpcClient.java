package io.karedge.boot.podsfirst;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Unary gRPC calls over one {@link H2Connection}: length-prefixed messages, status from the trailers. */
final class GrpcClient implements Closeable {

    private final H2Connection connection;

    GrpcClient(H2Connection connection) {
        this.connection = connection;
    }

    /**
     * @param method  {@code /package.Service/Method}
     * @param request the serialized request message
     * @return the serialized response message
     * @throws GrpcException    when the call ended with a non-OK status
     * @throws TimeoutException when it did not end within the time
     */
    byte[] call(String method, byte[] request, long timeoutMillis)
            throws IOException, TimeoutException, InterruptedException {
        List<Hpack.Field> headers = List.of(
                new Hpack.Field(":method", "POST"),
                new Hpack.Field(":scheme", "http"),
                new Hpack.Field(":path", method),
                new Hpack.Field(":authority", "localhost"),
                new Hpack.Field("content-type", "application/grpc"),
                new Hpack.Field("te", "trailers"),
                new Hpack.Field("grpc-timeout", Math.max(1, timeoutMillis) + "m"));
        H2Connection.Response response = connection.exchange(headers, frame(request), timeoutMillis);
        return message(method, response);
    }

    static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    /** The one response message, once the status says OK. */
    static byte[] message(String method, H2Connection.Response response) throws IOException {
        String httpStatus = response.field(":status");
        String grpcStatus = response.field("grpc-status");
        if (grpcStatus == null) {
            throw new IOException(method + ": HTTP status " + httpStatus + " without a gRPC status");
        }
        int status;
        try {
            status = Integer.parseInt(grpcStatus.trim());
        } catch (NumberFormatException e) {
            throw new IOException(method + ": gRPC status '" + grpcStatus + "' is not a number");
        }
        if (status != 0) {
            String message = response.field("grpc-message");
            throw new GrpcException(status, message == null ? null : percentDecode(message));
        }
        byte[] body = response.body();
        if (body.length < 5) {
            throw new IOException(method + ": OK without a response message");
        }
        ByteBuffer buffer = ByteBuffer.wrap(body);
        if (buffer.get() != 0) {
            throw new IOException(method + ": compressed response message, which was not asked for");
        }
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IOException(method + ": response message cut short");
        }
        byte[] message = new byte[length];
        buffer.get(message);
        return message;
    }

    /** grpc-message is percent-encoded UTF-8. */
    static String percentDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                try {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                    continue;
                } catch (NumberFormatException ignored) {
                    // a lone '%' stays as it is
                }
            }
            out.write(c);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        connection.close();
    }
}
