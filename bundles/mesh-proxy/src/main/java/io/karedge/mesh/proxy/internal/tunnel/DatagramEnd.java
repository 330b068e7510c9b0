package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A UDP stream's end: datagrams travel in the stream as records {@code u16 length | datagram}. Datagrams
 * handed to {@link #send} become records; records arriving from the peer, however the DATA frames cut
 * them, are put back together and delivered one datagram at a time. Nothing is held back for credit: a
 * datagram that finds more than one window waiting is dropped, as a network would drop it, and delivered
 * records give their credit back at once.
 */
public final class DatagramEnd implements StreamEnd {

    /** the largest datagram a record carries */
    public static final int MAX_DATAGRAM = 65_535;

    private final Consumer<ByteBuf> deliver;
    private final Runnable closed;
    private final AtomicLong waiting = new AtomicLong();
    private final CompositeByteBuf received = ByteBufAllocator.DEFAULT.compositeBuffer(64);
    private volatile TunnelStream stream;
    private volatile boolean open;
    private long dropped;

    /**
     * @param deliver takes each datagram from the peer (and releases it)
     * @param closed  runs once when the stream ends, either way
     */
    public DatagramEnd(Consumer<ByteBuf> deliver, Runnable closed) {
        this.deliver = deliver;
        this.closed = closed;
    }

    /** @return datagrams dropped because too much was waiting for credit */
    public synchronized long dropped() {
        return dropped;
    }

    /** Sends one datagram to the peer (the buffer is taken over); false if it was dropped. */
    public boolean send(ByteBuf datagram) {
        TunnelStream current = stream;
        int length = datagram.readableBytes();
        if (current == null || !open || length > MAX_DATAGRAM
                || waiting.get() > current.window()) {
            datagram.release();
            synchronized (this) {
                dropped++;
            }
            return false;
        }
        ByteBuf header = Unpooled.buffer(2).writeShort(length);
        ByteBuf record = Unpooled.wrappedBuffer(header, datagram);
        int size = record.readableBytes();
        waiting.addAndGet(size);
        if (!current.connectionRun(() -> current.fromLocal(record, () -> waiting.addAndGet(-size)))) {
            record.release();
            return false;
        }
        return true;
    }

    /** Ends the stream from this side (a session that went idle): the peer gets a reset. */
    public void end() {
        TunnelStream current = stream;
        if (current != null) {
            current.connectionRun(current::endClosed);
        }
    }

    @Override
    public void bind(TunnelStream value) {
        this.stream = value;
    }

    @Override
    public void start(TunnelStream value) {
        open = true;
    }

    @Override
    public void write(ByteBuf data, Runnable written) {
        synchronized (received) {
            if (received.refCnt() == 0) {
                data.release();
                return;
            }
            received.addComponent(true, data);
            while (received.readableBytes() >= 2) {
                int length = received.getUnsignedShort(received.readerIndex());
                if (received.readableBytes() < 2 + length) {
                    break;
                }
                received.skipBytes(2);
                deliver.accept(received.readBytes(length));
            }
            received.discardReadComponents();
        }
        written.run();
    }

    @Override
    public void shutdownOutput(Runnable done) {
        done.run();
    }

    @Override
    public void reading(boolean on) {
        // datagrams are dropped, not held back
    }

    @Override
    public void close() {
        finish();
    }

    @Override
    public void abort() {
        finish();
    }

    private void finish() {
        open = false;
        synchronized (received) {
            if (received.refCnt() > 0) {
                received.release();
            }
        }
        closed.run();
    }
}
