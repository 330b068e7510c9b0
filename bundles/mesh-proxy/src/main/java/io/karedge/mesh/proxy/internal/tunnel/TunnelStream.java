package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;

/**
 * One stream of a tunnel connection, bridged to its {@link StreamEnd} on this node: the client's
 * connection on the side that opened it, the endpoint connection on the side that accepted it, or the
 * other leg's stream on a relay. Every method runs on the tunnel connection's event loop.
 *
 * <p>Flow control: the sender may have at most the stream window in flight; the receiver returns credit
 * (WINDOW) only for bytes its end has taken, so a slow reader holds at most one window per stream and the
 * sender's socket stops reading (auto-read off) while it has no credit, no room in the tunnel or bytes it
 * could not send yet. Half-closes travel as FIN; a stream whose end closes before both directions ended is
 * reset (RST), which touches no other stream.
 */
public final class TunnelStream {

    enum State { OPENING, OPEN, CLOSED }

    /** bytes from the end waiting for credit, each with what to run once it is sent */
    private record Pending(ByteBuf data, Runnable sent) {
    }

    private final TunnelConnection connection;
    private final int id;
    private final OpenRequest request;
    private final int window;
    private final Promise<TunnelStream> opened;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private StreamEnd end;
    /** this side's OPEN: when it fails unanswered; cancelled once the stream opened or failed otherwise */
    private ScheduledFuture<?> answerDeadline;
    private State state = State.OPENING;
    private int sendCredit;
    private int receiveRemaining;
    private int consumed;
    private boolean localEof;
    private boolean finSent;
    private boolean finReceived;
    private long bytesIn;
    private long bytesOut;

    TunnelStream(TunnelConnection connection, int id, OpenRequest request, StreamEnd end, Promise<TunnelStream> opened) {
        this.connection = connection;
        this.id = id;
        this.request = request;
        this.window = connection.limits().streamWindow();
        this.sendCredit = window;
        this.receiveRemaining = window;
        this.opened = opened;
        if (end != null) {
            bind(end);
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

    /** @return the stream window: the most bytes in flight per direction */
    int window() {
        return window;
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

    /** Ties the stream to its end: the end closing resets the stream unless it already ended. */
    void bind(StreamEnd value) {
        this.end = value;
        value.bind(this);
    }

    void answerDeadline(ScheduledFuture<?> deadline) {
        this.answerDeadline = deadline;
    }

    /** The stream is open both ways: the end's bytes flow from now on. */
    void start() {
        if (state != State.OPENING) {
            return;
        }
        state = State.OPEN;
        cancelAnswerDeadline();
        end.start(this);
        if (opened != null) {
            opened.trySuccess(this);
        }
        updateReading();
    }

    /**
     * The peer did not answer the OPEN within {@code millis}: the open fails, and the stream is reset towards
     * the peer, so an OPEN_OK still on its way finds no stream and the far end drops its endpoint connection.
     */
    void openUnanswered(long millis) {
        if (state != State.OPENING) {
            return;
        }
        state = State.CLOSED;
        connection.remove(this);
        connection.sendReset(id, "no answer within " + millis + " ms");
        if (opened != null) {
            opened.tryFailure(TunnelStreamException.unanswered(connection.peer(), millis));
        }
        if (end != null && opened == null) {
            end.abort();
        }
    }

    /** The connection ended while opening, or the client gave up. */
    void openFailed(String reason) {
        openFailed(reason, false);
    }

    /** @param refused whether the peer answered OPEN_FAIL */
    void openFailed(String reason, boolean refused) {
        state = State.CLOSED;
        cancelAnswerDeadline();
        if (opened != null) {
            opened.tryFailure(new TunnelStreamException(reason, refused));
        }
    }

    /** Bytes the end read; sent as DATA as far as credit allows, the rest waits. */
    void fromLocal(ByteBuf buffer) {
        fromLocal(buffer, null);
    }

    /** @param sent runs once all of {@code buffer} went out as DATA, or was dropped (null: nothing to run) */
    void fromLocal(ByteBuf buffer, Runnable sent) {
        if (state != State.OPEN || finSent || localEof) {
            buffer.release();
            if (sent != null) {
                sent.run();
            }
            return;
        }
        pending.add(new Pending(buffer, sent));
        pump();
    }

    /** The end's input ended: a FIN follows everything it delivered. */
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

    /** Connection credit came back: bytes that waited for it go out. */
    void creditArrived() {
        if (state == State.OPEN) {
            pump();
        }
    }

    /** DATA from the peer, written to the end; credit goes back once the end took it. */
    void fromPeer(ByteBuf payload) {
        int length = payload.readableBytes();
        if (state != State.OPEN || finReceived) {
            payload.release();
            connection.consumed(length);
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
        end.write(payload, () -> connection.run(() -> written(length)));
    }

    private void written(int length) {
        connection.consumed(length);
        if (state != State.OPEN) {
            return;
        }
        consumed += length;
        if (consumed >= window / 4 && !finReceived) {
            ByteBuf increment = connection.alloc().buffer(4).writeInt(consumed);
            connection.send(new Frame(FrameType.WINDOW, id, increment));
            receiveRemaining += consumed;
            consumed = 0;
        }
    }

    /** FIN from the peer: passed to the end once everything before it is written. */
    void finFromPeer() {
        if (state != State.OPEN || finReceived) {
            return;
        }
        finReceived = true;
        end.shutdownOutput(() -> connection.run(this::closeIfDone));
    }

    /** RST from the peer: the end is torn down at once. */
    void resetByPeer(String reason) {
        if (state == State.OPENING) {
            openFailed("reset by peer: " + reason);
            connection.remove(this);
            if (end != null && opened == null) {
                end.abort();
            }
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        releasePending();
        connection.remove(this);
        end.abort();
    }

    /** On a relay: the other leg failed, so this one is reset towards its peer. */
    void partnerAborted() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.OPENING) {
            openFailed("the relayed leg failed");
        }
        state = State.CLOSED;
        releasePending();
        connection.remove(this);
        connection.sendReset(id, "relayed leg failed");
    }

    /** The connection is gone: every stream ends with an error towards its end. */
    void connectionLost() {
        if (state == State.OPENING) {
            openFailed("tunnel connection closed");
            if (end != null && opened == null) {
                end.abort();
            }
            return;
        }
        if (state == State.OPEN) {
            state = State.CLOSED;
            releasePending();
            end.abort();
        }
    }

    /** The end went away: quietly if both directions had ended, else with a reset. */
    void endClosed() {
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
            if (end instanceof RelayEnd) {
                end.abort();
            }
        }
    }

    private void closeIfDone() {
        if (state == State.OPEN && finSent && finReceived) {
            end.close();
        }
    }

    private void pump() {
        while (!pending.isEmpty() && sendCredit > 0 && connection.sendCredit() > 0) {
            Pending head = pending.peek();
            ByteBuf data = head.data();
            int credit = (int) Math.min(sendCredit, connection.sendCredit());
            int length = Math.min(Math.min(data.readableBytes(), credit), FrameDecoder.MAX_DATA_PAYLOAD);
            ByteBuf slice = data.readRetainedSlice(length);
            if (!data.isReadable()) {
                pending.poll();
                data.release();
                if (head.sent() != null) {
                    head.sent().run();
                }
            }
            sendCredit -= length;
            connection.spend(length);
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

    /** Reading from the end goes on only while it can be sent at once. */
    void updateReading() {
        if (state != State.OPEN || end == null) {
            return;
        }
        end.reading(!localEof && pending.isEmpty() && sendCredit > 0 && connection.sendCredit() > 0
                && connection.writable());
    }

    private void cancelAnswerDeadline() {
        if (answerDeadline != null) {
            answerDeadline.cancel(false);
            answerDeadline = null;
        }
    }

    private void releasePending() {
        Pending entry;
        while ((entry = pending.poll()) != null) {
            entry.data().release();
            if (entry.sent() != null) {
                entry.sent().run();
            }
        }
    }
}
