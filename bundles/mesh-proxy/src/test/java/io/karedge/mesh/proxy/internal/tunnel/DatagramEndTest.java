package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DatagramEndTest {

    @Test
    void recordsCutAnywhereComeOutAsTheDatagramsThatWentIn() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<byte[]> sent = new ArrayList<>();
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < 200; i++) {
            byte[] datagram = new byte[random.nextInt(random.nextBoolean() ? 40 : 9000)];
            random.nextBytes(datagram);
            sent.add(datagram);
            wire.writeShort(datagram.length).writeBytes(datagram);
        }
        List<byte[]> delivered = new ArrayList<>();
        AtomicInteger credited = new AtomicInteger();
        DatagramEnd end = new DatagramEnd(datagram -> {
            delivered.add(ByteBufUtil.getBytes(datagram));
            datagram.release();
        }, () -> { });
        while (wire.isReadable()) {
            int cut = Math.min(wire.readableBytes(), 1 + random.nextInt(20_000));
            end.write(wire.readRetainedSlice(cut), credited::incrementAndGet);
        }
        wire.release();

        assertThat(delivered).as("seed %d", seed).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(delivered.get(i)).as("datagram %d, seed %d", i, seed).isEqualTo(sent.get(i));
        }
        assertThat(credited.get()).isPositive();
        end.close();
    }

    @Test
    void aDatagramWithoutAnOpenStreamIsDroppedAndCounted() {
        DatagramEnd end = new DatagramEnd(ByteBuf::release, () -> { });
        ByteBuf datagram = Unpooled.copiedBuffer(new byte[] {1, 2, 3});
        assertThat(end.send(datagram)).isFalse();
        assertThat(datagram.refCnt()).isZero();
        assertThat(end.dropped()).isEqualTo(1);
    }
}
