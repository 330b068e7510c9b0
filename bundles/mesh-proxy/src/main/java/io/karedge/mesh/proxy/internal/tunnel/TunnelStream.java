package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;

/**
 * One stream of a tunnel connection, bridged to a local socket: the client's connection on the side that
 * opened it, the endpoint connection on the side that accepted it. Every method runs on the tunnel
 * connection's event loop.
 *
 * <p>Flow control: the sender may have at most the stream window in flight; the receiver returns credit
 * (WINDOW) only for bytes its local socket has taken, so a slow reader holds at most one window per stream
 * and the sender's local socket stops reading (auto-read off) while it has no credit, no room in the tunnel
 * or bytes it could not send yet. Half-closes travel as FIN; a stream whose local socket closes before both
 * directions ended is reset (RST), which touches no other stream.
 */
public final class TunnelStream {

    enum State { OPENING, OPEN, CLOSED }

    private final TunnelConnection connection;
    private final int id;
    private final OpenRequest request;
    private final int window;
    private final Promise<TunnelStream> opened;
    private Channel local;
    private State state = State.OPENING;
    /** bytes read from the local socket that wait for credit */
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private int sendCredit;
    private int receiveRemaining;
    private int consumed;
    private boolean localEof;
    private boolean finSent;
    private boolean finReceived;
    private long bytesIn;
    private long bytesOut;

    TunnelStream(TunnelConnection connection, int id, OpenRequest request, Channel local, Promise<TunnelStream> opened) {
        this.connection = connection;
        this.id = id;
        this.request = request;
        this.window = connection.limits().streamWindow();
        this.sendCredit = window;
        this.receiveRemaining = window;
        this.opened = opened;
        if (local != null) {
            bind(local);
        }
    }

    int id() {
        return id;
    }

    OpenRequest request() {
        return request;
    }

    State state() {
        return state;
    }

    Channel local() {
        return local;
    }

    long bytesIn() {
        return bytesIn;
    }

    long bytesOut() {
        return bytesOut;
    }

    /** @return false if the connection's event loop no longer takes tasks */
    boolean connectionRun(Runnable task) {
        return connection.run(task);
    }

    /** Ties the stream to its local socket: the socket closing resets the stream unless it already ended. */
    void bind(Channel channel) {
        this.local = channel;
        channel.closeFuture().addListener(f -> connection.run(this::localClosed));
    }

    /** The stream is open both ways: the local socket's bytes flow from now on. */
    void start() {
        if (state != State.OPENING) {
            return;
        }
        state = State.OPEN;
        local.pipeline().addLast("tunnel-stream", new LocalSide(this));
        if (opened != null) {
            opened.trySuccess(this);
        }
        if (!local.isActive()) {
            localClosed();
            return;
        }
        updateReading();
    }

    /** The connection ended while opening, or the client gave up. */
    void openFailed(String reason) {
        openFailed(reason, false);
    }

    /** @param refused whether the peer answered OPEN_FAIL */
    void openFailed(String reason, boolean refused) {
        state = State.CLOSED;
        if (opened != null) {
            opened.tryFailure(new TunnelStreamException(reason, refused));
        }
    }

    /** Bytes the local socket read; sent as DATA as far as credit allows, the rest waits. */
    void fromLocal(ByteBuf buffer) {
        if (state != State.OPEN || finSent) {
            buffer.release();
            return;
        }
        pending.add(buffer);
        pump();
    }

    /** The local socket's input ended: a FIN follows everything it read. */
    void localInputShutdown() {
        if (state != State.OPEN) {
            return;
        }
        localEof = true;
        pump();
    }

    void credit(long increment) {
        if (increment <= 0 || sendCredit + increment > window) {
            throw new TunnelProtocolException("WINDOW of " + increment + " on stream " + id + " exceeds its window");
        }
        sendCredit += (int) increment;
        pump();
    }

    /** DATA from the peer, written to the local socket; credit goes back once the socket took it. */
    void fromPeer(ByteBuf payload) {
        int length = payload.readableBytes();
        if (state != State.OPEN || finReceived) {
            payload.release();
            if (finReceived) {
                throw new TunnelProtocolException("DATA after FIN on stream " + id);
            }
            return;
        }
        if (length > receiveRemaining) {
            payload.release();
            throw new TunnelProtocolException("DATA of " + length + " bytes on stream " + id + " with "
                    + receiveRemaining + " bytes of credit");
        }
        receiveRemaining -= length;
        bytesIn += length;
        connection.countIn(length);
        local.writeAndFlush(payload).addListener(done -> {
            if (done.isSuccess()) {
                connection.run(() -> written(length));
            }
        });
    }

    private void written(int length) {
        if (state != State.OPEN) {
            return;
        }
        consumed += length;
        if (consumed >= window / 4 && !finReceived) {
            connection.send(windowFrame(consumed));
            receiveRemaining += consumed;
            consumed = 0;
        }
    }

    private Frame windowFrame(int increment) {
        ByteBuf payload = connection.alloc().buffer(4).writeInt(increment);
        return new Frame(FrameType.WINDOW, id, payload);
    }

    /** FIN from the peer: the local socket's output is shut once everything before it is written. */
    void finFromPeer() {
        if (state != State.OPEN || finReceived) {
            return;
        }
        finReceived = true;
        if (local instanceof DuplexChannel duplex) {
            local.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (written.isSuccess()) {
                    duplex.shutdownOutput().addListener(shut -> connection.run(this::closeIfDone));
                } else {
                    local.close();
                }
            });
        } else {
            local.close();
        }
    }

    /** RST from the peer: the local socket is closed at once. */
    void resetByPeer(String reason) {
        if (state == State.OPENING) {
            openFailed("reset by peer: " + reason);
            connection.remove(this);
            if (local != null && opened == null) {
                local.close();
            }
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        releasePending();
        connection.remove(this);
        local.close();
    }

    /** The connection is gone: every stream ends with an error towards its local socket. */
    void connectionLost() {
        if (state == State.OPENING) {
            openFailed("tunnel connection closed");
            if (local != null && opened == null) {
                local.close();
            }
            return;
        }
        if (state == State.OPEN) {
            state = State.CLOSED;
            releasePending();
            local.close();
        }
    }

    private void localClosed() {
        if (state == State.CLOSED) {
            return;
        }
        boolean ended = finSent && finReceived;
        if (state == State.OPENING && opened != null) {
            openFailed("client closed");
        }
        state = State.CLOSED;
        releasePending();
        connection.remove(this);
        if (!ended) {
            connection.sendReset(id, "closed");
        }
    }

    private void closeIfDone() {
        if (state == State.OPEN && finSent && finReceived) {
            local.close();
        }
    }

    private void pump() {
        while (!pending.isEmpty() && sendCredit > 0) {
            ByteBuf head = pending.peek();
            int length = Math.min(Math.min(head.readableBytes(), sendCredit), FrameDecoder.MAX_DATA_PAYLOAD);
            ByteBuf slice = head.readRetainedSlice(length);
            if (!head.isReadable()) {
                pending.poll().release();
            }
            sendCredit -= length;
            bytesOut += length;
            connection.countOut(length);
            connection.send(new Frame(FrameType.DATA, id, slice));
        }
        if (localEof && pending.isEmpty() && !finSent) {
            finSent = true;
            connection.send(Frame.empty(FrameType.FIN, id));
            closeIfDone();
        }
        updateReading();
    }

    /** Reading from the local socket goes on only while it can be sent at once. */
    void updateReading() {
        if (state != State.OPEN || local == null) {
            return;
        }
        boolean read = !localEof && pending.isEmpty() && sendCredit > 0 && connection.writable();
        LocalSide.autoRead(local, read);
    }

    private void releasePending() {
        ByteBuf buffer;
        while ((buffer = pending.poll()) != null) {
            buffer.release();
        }
    }
}
