package io.karedge.mesh.proxy.internal.tunnel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The streams of one tunnel connection by id, and the id rules: the dialler opens odd ids, the acceptor even
 * ones, each side's ids increasing, so an id either names a live stream, one that already ended, or one that
 * was never opened (a protocol error). Used on the connection's event loop; {@link #size()} from anywhere.
 */
final class StreamTable {

    private final Map<Integer, TunnelStream> streams = new HashMap<>();
    private final boolean dialer;
    private int nextLocalId;
    private long lastPeerId;
    private volatile int size;

    StreamTable(boolean dialer) {
        this.dialer = dialer;
        this.nextLocalId = dialer ? 1 : 2;
    }

    /** @return the number of streams open or opening, both directions */
    int size() {
        return size;
    }

    /** @return the id of the next stream this side opens, counted as used */
    int nextLocalId() {
        int id = nextLocalId;
        nextLocalId += 2;
        return id;
    }

    /** The peer opens stream {@code id}: it must be the peer's kind of id and above every id it opened. */
    void peerOpens(int id) {
        long unsigned = Integer.toUnsignedLong(id);
        if (own(id) || unsigned <= lastPeerId) {
            throw new TunnelProtocolException("OPEN with stream id " + unsigned + " out of order");
        }
        lastPeerId = unsigned;
    }

    void add(TunnelStream stream) {
        streams.put(stream.id(), stream);
        size = streams.size();
    }

    void remove(TunnelStream stream) {
        if (streams.remove(stream.id(), stream)) {
            size = streams.size();
        }
    }

    /** @return every stream, as a copy that may be changed while it is walked */
    List<TunnelStream> all() {
        return new ArrayList<>(streams.values());
    }

    /** Forgets every stream (the connection ended). */
    void clear() {
        streams.clear();
        size = 0;
    }

    /**
     * @return the stream a DATA/WINDOW/FIN/RST frame names, or null for one that already ended
     * @throws TunnelProtocolException for an id never opened, or a frame other than RST on a stream still opening
     */
    TunnelStream existing(Frame frame) {
        int id = frame.streamId();
        TunnelStream stream = streams.get(id);
        if (stream == null && !usedBefore(id)) {
            throw new TunnelProtocolException(FrameType.name(frame.type()) + " on unknown stream " + Integer.toUnsignedString(id));
        }
        if (stream != null && stream.state() == TunnelStream.State.OPENING && frame.type() != FrameType.RST) {
            throw new TunnelProtocolException(FrameType.name(frame.type()) + " on stream " + id + " before it opened");
        }
        return stream;
    }

    /**
     * @return the stream this side is opening that an OPEN_OK/OPEN_FAIL answers, or null if it no longer waits
     * @throws TunnelProtocolException for an answer to a stream this side did not open
     */
    TunnelStream ownOpening(Frame frame) {
        int id = frame.streamId();
        if (!own(id) || !usedBefore(id)) {
            throw new TunnelProtocolException(FrameType.name(frame.type()) + " for a stream this node did not open");
        }
        TunnelStream stream = streams.get(id);
        return stream != null && stream.state() == TunnelStream.State.OPENING ? stream : null;
    }

    private boolean own(int id) {
        return ((id & 1) == 1) == dialer;
    }

    private boolean usedBefore(int id) {
        long unsigned = Integer.toUnsignedLong(id);
        return own(id) ? unsigned < Integer.toUnsignedLong(nextLocalId) : unsigned <= lastPeerId;
    }
}
