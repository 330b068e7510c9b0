package io.karedge.kube.api.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * A request body as the connection delivers it, read by the handler's thread. While more than
 * {@value #HIGH_WATER_BYTES} bytes wait to be read the connection stops reading from the socket, so a large
 * body is never held in memory whole on its way in.
 */
final class BodyStream extends InputStream {

    static final int HIGH_WATER_BYTES = 64 * 1024;
    private static final int LOW_WATER_BYTES = 16 * 1024;

    private final Channel channel;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private int queued;
    private boolean ended;
    private IOException failure;
    private boolean paused;

    BodyStream(Channel channel) {
        this.channel = channel;
    }

    /** Called on the connection's thread with the next part of the body. */
    synchronized void offer(ByteBuf content) {
        if (ended || failure != null || !content.isReadable()) {
            return;
        }
        byte[] bytes = new byte[content.readableBytes()];
        content.readBytes(bytes);
        chunks.add(bytes);
        queued += bytes.length;
        if (queued > HIGH_WATER_BYTES && !paused) {
            paused = true;
            channel.config().setAutoRead(false);
        }
        notifyAll();
    }

    /** The body is complete. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    synchronized boolean ended() {
        return ended;
    }

    /** The connection closed before the body was complete. */
    synchronized void fail(IOException cause) {
        if (!ended) {
            failure = cause;
        }
        notifyAll();
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (current == null || position == current.length) {
            current = chunks.poll();
            position = 0;
            if (current != null) {
                queued -= current.length;
                resumeIfDrained();
                continue;
            }
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the request body", e);
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, into, offset, n);
        position += n;
        return n;
    }

    private void resumeIfDrained() {
        if (paused && queued < LOW_WATER_BYTES) {
            paused = false;
            if (!ended) {
                channel.config().setAutoRead(true);
            }
        }
    }
}
