package io.karedge.boot.podsfirst;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP/2 client connection with prior knowledge (h2c, RFC 9113) over any byte channel, in practice a unix
 * socket: many concurrent request streams, each sent as HEADERS (and CONTINUATION) then DATA, answered by
 * header blocks and DATA until END_STREAM. It keeps to the peer's flow-control windows and frame size,
 * opens its own windows as it reads, answers SETTINGS and PING, and fails the affected streams on
 * RST_STREAM, GOAWAY or a lost connection. One thread reads; writes are serialised.
 */
final class H2Connection implements Closeable {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int PRIORITY = 0x2;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PUSH_PROMISE = 0x5;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;

    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    static final int FLAG_PADDED = 0x8;
    static final int FLAG_PRIORITY = 0x20;

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What this side lets the peer send before a WINDOW_UPDATE, per stream and for the connection. */
    static final int RECEIVE_WINDOW = 1 << 20;
    private static final int DEFAULT_WINDOW = 65_535;
    private static final int HEADER_TABLE_SIZE = 4096;

    /** A finished exchange: the header blocks in order (response headers, then trailers) and the body. */
    record Response(List<List<Hpack.Field>> headerBlocks, byte[] body) {

        /** @return the value of a field from any of the header blocks, or null */
        String field(String name) {
            for (List<Hpack.Field> block : headerBlocks) {
                String value = Hpack.value(block, name);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
    }

    private static final class Stream {
        final int id;
        final List<List<Hpack.Field>> blocks = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final CompletableFuture<Response> done = new CompletableFuture<>();
        long sendWindow;

        Stream(int id, long sendWindow) {
            this.id = id;
            this.sendWindow = sendWindow;
        }
    }

    private final ByteChannel channel;
    private final String peer;
    private final Object writeLock = new Object();
    private final Object windowLock = new Object();
    private final Hpack.Decoder decoder = new Hpack.Decoder(HEADER_TABLE_SIZE);
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final Thread reader;
    private int nextStreamId = 1;
    private long connectionSendWindow = DEFAULT_WINDOW;
    private volatile int peerInitialWindow = DEFAULT_WINDOW;
    private volatile int peerMaxFrameSize = 16_384;
    private volatile int goAwayLastStream = Integer.MAX_VALUE;
    private volatile IOException failure;
    // the header block being read: its stream and the fragments so far
    private int headerStream;
    private ByteArrayOutputStream headerBlock;
    private boolean headerEndsStream;

    H2Connection(ByteChannel channel, String peer) throws IOException {
        this.channel = channel;
        this.peer = peer;
        ByteBuffer settings = ByteBuffer.allocate(12);
        settings.putShort((short) 0x2).putInt(0); // ENABLE_PUSH off
        settings.putShort((short) 0x4).putInt(RECEIVE_WINDOW); // INITIAL_WINDOW_SIZE
        synchronized (writeLock) {
            writeFully(ByteBuffer.wrap(PREFACE));
            writeFrame(SETTINGS, 0, 0, settings.array());
            writeFrame(WINDOW_UPDATE, 0, 0, windowIncrement(RECEIVE_WINDOW - DEFAULT_WINDOW));
        }
        reader = new Thread(this::readLoop, "karedge-pods-first-h2");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to a unix socket. */
    static H2Connection unix(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new H2Connection(channel, socket.toString());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Sends a request and waits for the whole answer.
     *
     * @throws TimeoutException when it did not end in time; the stream is then reset (CANCEL)
     */
    Response exchange(List<Hpack.Field> headers, byte[] body, long timeoutMillis)
            throws IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Stream stream;
        synchronized (writeLock) {
            checkOpen();
            int id = nextStreamId;
            if (id > goAwayLastStream || id < 0) {
                throw new IOException(peer + " is going away (GOAWAY)");
            }
            nextStreamId += 2;
            stream = new Stream(id, peerInitialWindow);
            streams.put(id, stream);
            writeHeaders(id, Hpack.encode(headers), body.length == 0);
        }
        try {
            sendData(stream, body, deadline);
            long left = deadline - System.nanoTime();
            return stream.done.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            reset(stream.id, 0x8);
            throw new TimeoutException("no answer from " + peer + " within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        } finally {
            streams.remove(stream.id);
        }
    }

    private void writeHeaders(int id, byte[] block, boolean endStream) throws IOException {
        int max = peerMaxFrameSize;
        int offset = 0;
        boolean first = true;
        do {
            int length = Math.min(max, block.length - offset);
            boolean last = offset + length == block.length;
            int flags = (last ? FLAG_END_HEADERS : 0) | (first && endStream ? FLAG_END_STREAM : 0);
            writeFrame(first ? HEADERS : CONTINUATION, flags, id, block, offset, length);
            offset += length;
            first = false;
        } while (offset < block.length);
    }

    private void sendData(Stream stream, byte[] body, long deadline)
            throws IOException, TimeoutException, InterruptedException {
        int offset = 0;
        while (offset < body.length) {
            int length;
            synchronized (windowLock) {
                while (Math.min(connectionSendWindow, stream.sendWindow) <= 0) {
                    checkOpen();
                    long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (waitMillis <= 0) {
                        throw new TimeoutException("flow-control window of " + peer + " stayed closed");
                    }
                    windowLock.wait(waitMillis);
                }
                length = (int) Math.min(Math.min(connectionSendWindow, stream.sendWindow),
                        Math.min(peerMaxFrameSize, body.length - offset));
                connectionSendWindow -= length;
                stream.sendWindow -= length;
            }
            boolean last = offset + length == body.length;
            synchronized (writeLock) {
                checkOpen();
                writeFrame(DATA, last ? FLAG_END_STREAM : 0, stream.id, body, offset, length);
            }
            offset += length;
        }
    }

    private void reset(int id, int code) {
        ByteBuffer payload = ByteBuffer.allocate(4).putInt(code);
        try {
            synchronized (writeLock) {
                writeFrame(RST_STREAM, 0, id, payload.array());
            }
        } catch (IOException ignored) {
            // the connection is failing already; its streams fail with it
        }
    }

    private void checkOpen() throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("connection to " + peer + " failed: " + failed.getMessage(), failed);
        }
    }

    // ------------------------------------------------------------------ reading

    private void readLoop() {
        ByteBuffer header = ByteBuffer.allocate(9);
        try {
            while (true) {
                header.clear();
                readFully(header);
                header.flip();
                int length = ((header.get() & 0xff) << 16) | ((header.get() & 0xff) << 8) | (header.get() & 0xff);
                int type = header.get() & 0xff;
                int flags = header.get() & 0xff;
                int streamId = header.getInt() & 0x7fffffff;
                if (length > 1 << 24) {
                    throw new IOException("frame of " + length + " octets");
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(payload);
                frame(type, flags, streamId, payload.array());
            }
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new IOException("bad frame from " + peer + ": " + e, e));
        }
    }

    /** Handles one frame the peer sent (package-private for tests that feed frames). */
    void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        if (headerBlock != null && type != CONTINUATION) {
            throw new IOException("frame type " + type + " inside a header block");
        }
        switch (type) {
            case DATA -> data(flags, streamId, payload);
            case HEADERS -> {
                int offset = 0;
                int padding = 0;
                if ((flags & FLAG_PADDED) != 0) {
                    padding = payload[0] & 0xff;
                    offset = 1;
                }
                if ((flags & FLAG_PRIORITY) != 0) {
                    offset += 5;
                }
                if (offset + padding > payload.length) {
                    throw new IOException("HEADERS padding longer than the frame");
                }
                headerStream = streamId;
                headerEndsStream = (flags & FLAG_END_STREAM) != 0;
                headerBlock = new ByteArrayOutputStream();
                headerBlock.write(payload, offset, payload.length - offset - padding);
                if ((flags & FLAG_END_HEADERS) != 0) {
                    headersDone();
                }
            }
            case CONTINUATION -> {
                if (headerBlock == null || streamId != headerStream) {
                    throw new IOException("CONTINUATION without its HEADERS");
                }
                headerBlock.write(payload, 0, payload.length);
                if ((flags & FLAG_END_HEADERS) != 0) {
                    headersDone();
                }
            }
            case RST_STREAM -> {
                Stream stream = streams.get(streamId);
                if (stream != null) {
                    int code = ByteBuffer.wrap(payload).getInt();
                    stream.done.completeExceptionally(new IOException(peer + " reset the stream (error code "
                            + code + ")"));
                }
            }
            case SETTINGS -> settings(flags, payload);
            case PING -> {
                if ((flags & FLAG_ACK) == 0) {
                    synchronized (writeLock) {
                        writeFrame(PING, FLAG_ACK, 0, payload);
                    }
                }
            }
            case GOAWAY -> {
                ByteBuffer buffer = ByteBuffer.wrap(payload);
                int last = buffer.getInt() & 0x7fffffff;
                int code = buffer.getInt();
                goAwayLastStream = last;
                IOException away = new IOException(peer + " is going away (GOAWAY, error code " + code + ")");
                streams.values().stream().filter(s -> s.id > last).forEach(s -> s.done.completeExceptionally(away));
            }
            case WINDOW_UPDATE -> {
                int increment = ByteBuffer.wrap(payload).getInt() & 0x7fffffff;
                synchronized (windowLock) {
                    if (streamId == 0) {
                        connectionSendWindow += increment;
                    } else {
                        Stream stream = streams.get(streamId);
                        if (stream != null) {
                            stream.sendWindow += increment;
                        }
                    }
                    windowLock.notifyAll();
                }
            }
            case PUSH_PROMISE -> throw new IOException("PUSH_PROMISE although push is off");
            default -> {
                // PRIORITY and unknown frame types are ignored (RFC 9113, 5.5)
            }
        }
    }

    private void data(int flags, int streamId, byte[] payload) throws IOException {
        int offset = 0;
        int padding = 0;
        if ((flags & FLAG_PADDED) != 0) {
            padding = payload[0] & 0xff;
            offset = 1;
            if (offset + padding > payload.length) {
                throw new IOException("DATA padding longer than the frame");
            }
        }
        Stream stream = streams.get(streamId);
        boolean end = (flags & FLAG_END_STREAM) != 0;
        if (payload.length > 0) {
            synchronized (writeLock) {
                writeFrame(WINDOW_UPDATE, 0, 0, windowIncrement(payload.length));
                if (stream != null && !end) {
                    writeFrame(WINDOW_UPDATE, 0, streamId, windowIncrement(payload.length));
                }
            }
        }
        if (stream != null) {
            stream.body.write(payload, offset, payload.length - offset - padding);
            if (end) {
                finish(stream);
            }
        }
    }

    private void headersDone() throws IOException {
        byte[] block = headerBlock.toByteArray();
        headerBlock = null;
        // decoded even for a stream given up on: the dynamic table is the connection's
        List<Hpack.Field> fields = decoder.decode(block);
        Stream stream = streams.get(headerStream);
        if (stream != null) {
            stream.blocks.add(fields);
            if (headerEndsStream) {
                finish(stream);
            }
        }
    }

    private static void finish(Stream stream) {
        stream.done.complete(new Response(List.copyOf(stream.blocks), stream.body.toByteArray()));
    }

    private void settings(int flags, byte[] payload) throws IOException {
        if ((flags & FLAG_ACK) != 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        while (buffer.remaining() >= 6) {
            int id = buffer.getShort() & 0xffff;
            long value = buffer.getInt() & 0xffffffffL;
            if (id == 0x4) {
                synchronized (windowLock) {
                    long delta = value - peerInitialWindow;
                    peerInitialWindow = (int) value;
                    streams.values().forEach(s -> s.sendWindow += delta);
                    windowLock.notifyAll();
                }
            } else if (id == 0x5) {
                peerMaxFrameSize = (int) value;
            }
            // HEADER_TABLE_SIZE bounds the encoder's table, which this encoder never fills
        }
        synchronized (writeLock) {
            writeFrame(SETTINGS, FLAG_ACK, 0, new byte[0]);
        }
    }

    private void fail(IOException e) {
        if (failure == null) {
            failure = e instanceof EOFException ? new IOException(peer + " closed the connection") : e;
        }
        streams.values().forEach(s -> s.done.completeExceptionally(failure));
        synchronized (windowLock) {
            windowLock.notifyAll();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing after a failure
        }
    }

    // ------------------------------------------------------------------ frame I/O

    private static byte[] windowIncrement(int increment) {
        return ByteBuffer.allocate(4).putInt(increment).array();
    }

    private void writeFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
        writeFrame(type, flags, streamId, payload, 0, payload.length);
    }

    /** Called with the write lock held. */
    private void writeFrame(int type, int flags, int streamId, byte[] payload, int offset, int length)
            throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(9 + length);
        frame.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        frame.put((byte) type).put((byte) flags).putInt(streamId & 0x7fffffff);
        frame.put(payload, offset, length).flip();
        writeFully(frame);
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException();
            }
        }
    }

    @Override
    public void close() {
        if (failure == null) {
            try {
                synchronized (writeLock) {
                    ByteBuffer goAway = ByteBuffer.allocate(8).putInt(0).putInt(0);
                    writeFrame(GOAWAY, 0, 0, goAway.array());
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        fail(new IOException("connection closed"));
    }
}
