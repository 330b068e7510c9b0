package io.karedge.kube.api.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpsExchange;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * One request on a Netty connection, seen through the {@code com.sun.net.httpserver} exchange type the
 * API's handler is written against. The body arrives through {@link BodyStream} as the connection reads it;
 * the answer is written to the connection as it is produced (fixed length, chunked for a watch), and a
 * writer that gets ahead of a slow client waits until the connection drains (closing it after
 * {@link #WRITE_STALL_MILLIS} of no progress). {@link #close()} ends the answer and hands the connection back
 * for its next request.
 */
final class NettyExchange extends HttpsExchange {

    /** A client that reads nothing of an answer for this long is dropped. */
    static final long WRITE_STALL_MILLIS = 60_000;
    private static final int BUFFER_BYTES = 16 * 1024;

    private final Channel channel;
    private final HttpRequest request;
    private final URI uri;
    private final SSLSession ssl;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final BodyStream body;
    private final ResponseStream response = new ResponseStream();
    private final Map<String, Object> attributes = new HashMap<>();
    private final Runnable finished;
    private final boolean keepAlive;
    /** whether the request announced a body (a length above zero, or chunks) */
    private final boolean hasBody;
    private final Object writable = new Object();
    private volatile int code = -1;
    private boolean noBody;
    private boolean closeAfter;
    private volatile boolean done;

    /**
     * @param finished runs once the answer is complete (on any thread)
     */
    NettyExchange(Channel channel, HttpRequest request, URI uri, SSLSession ssl, BodyStream body, Runnable finished) {
        this.channel = channel;
        this.request = request;
        this.uri = uri;
        this.ssl = ssl;
        this.body = body;
        this.finished = finished;
        this.keepAlive = HttpUtil.isKeepAlive(request);
        this.hasBody = HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request);
        request.headers().forEach(header -> requestHeaders.add(header.getKey(), header.getValue()));
    }

    BodyStream body() {
        return body;
    }

    /** @return whether the connection must close after this answer */
    boolean closesConnection() {
        return closeAfter || !keepAlive;
    }

    /** Wakes a writer waiting for the connection to drain (it became writable or closed). */
    void wakeWriter() {
        synchronized (writable) {
            writable.notifyAll();
        }
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return request.method().name();
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public InputStream getRequestBody() {
        return body;
    }

    @Override
    public OutputStream getResponseBody() {
        return response;
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
        if (code >= 0) {
            throw new IOException("the answer's headers were already sent");
        }
        checkOpen();
        code = rCode;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(rCode));
        responseHeaders.forEach((name, values) -> values.forEach(value -> head.headers().add(name, value)));
        // An answer given before the request's body was all read (a refusal on the head alone) ends the
        // connection, since the rest of the body is not read: the client must know not to send another request on it.
        if ("close".equalsIgnoreCase(responseHeaders.getFirst("Connection")) || !keepAlive
                || (hasBody && !body.ended())) {
            closeAfter = true;
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        noBody = responseLength < 0 || getRequestMethod().equals("HEAD") || rCode == 204 || rCode == 304;
        if (responseLength == 0 && !noBody) {
            HttpUtil.setTransferEncodingChunked(head, true);
        } else {
            HttpUtil.setContentLength(head, Math.max(responseLength, 0));
        }
        send(channel.writeAndFlush(head));
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public int getResponseCode() {
        return code;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public String getProtocol() {
        return request.protocolVersion().text();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        throw new UnsupportedOperationException("the streams of this exchange are its connection's");
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    @Override
    public SSLSession getSSLSession() {
        return ssl;
    }

    /** Ends the answer: the rest of a chunked body, or the connection closed when no answer was sent. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        try {
            if (code < 0) {
                closeAfter = true;
            } else {
                response.flushBuffer();
                if (!noBody) {
                    send(channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
                }
            }
        } catch (IOException e) {
            closeAfter = true;
        } finally {
            finished.run();
        }
    }

    private void checkOpen() throws IOException {
        if (!channel.isActive()) {
            throw new IOException("the client closed the connection");
        }
    }

    /** Waits while the connection holds more than its high-water mark of unsent bytes. */
    private void send(ChannelFuture written) throws IOException {
        if (channel.eventLoop().inEventLoop()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_STALL_MILLIS);
        synchronized (writable) {
            while (channel.isActive() && !channel.isWritable()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    channel.close();
                    throw new IOException("the client read nothing for " + WRITE_STALL_MILLIS + " ms");
                }
                try {
                    writable.wait(Math.min(100, TimeUnit.NANOSECONDS.toMillis(left) + 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing the answer", e);
                }
            }
        }
        if (written.isDone() && !written.isSuccess()) {
            throw new IOException("the answer could not be written", written.cause());
        }
        checkOpen();
    }

    /** The answer's body, buffered up to {@value #BUFFER_BYTES} bytes between flushes. */
    private final class ResponseStream extends OutputStream {

        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int count;

        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                flushBuffer();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (code < 0) {
                throw new IOException("the answer's headers were not sent");
            }
            if (length >= buffer.length) {
                flushBuffer();
                sendContent(bytes, offset, length);
                return;
            }
            if (count + length > buffer.length) {
                flushBuffer();
            }
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
        }

        @Override
        public void flush() throws IOException {
            flushBuffer();
        }

        @Override
        public void close() throws IOException {
            flushBuffer();
        }

        void flushBuffer() throws IOException {
            if (count == 0) {
                checkOpen();
                return;
            }
            int length = count;
            count = 0;
            sendContent(buffer, 0, length);
        }

        private void sendContent(byte[] bytes, int offset, int length) throws IOException {
            if (noBody) {
                return;
            }
            checkOpen();
            send(channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(bytes, offset, length))));
        }
    }
}
