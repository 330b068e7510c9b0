package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The keepalive on an event loop whose clock the test moves: PINGs, and the idle limit to the millisecond. */
class KeepaliveTest {

    private static final TunnelLimits LIMITS = TunnelLimits.DEFAULTS.withPing(1000, 3000);

    private final List<Long> pings = new ArrayList<>();
    private final List<Long> silences = new ArrayList<>();
    private boolean hello;
    private EmbeddedChannel loop;
    private Keepalive keepalive;

    @BeforeEach
    void start() {
        loop = new EmbeddedChannel();
        loop.freezeTime();
        keepalive = new Keepalive(new Keepalive.Connection() {
            @Override
            public boolean helloReceived() {
                return hello;
            }

            @Override
            public void ping(long stamp) {
                pings.add(stamp);
            }

            @Override
            public void silent(long silentMillis) {
                silences.add(silentMillis);
            }
        }, LIMITS);
        keepalive.start(loop.eventLoop());
    }

    @AfterEach
    void stop() {
        keepalive.stop();
        loop.finishAndReleaseAll();
    }

    private void advance(long millis) {
        loop.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        loop.runPendingTasks();
    }

    @Test
    void aPeerSilentForTheIdleLimitIsLeftThenAndNotAtTheNextPing() {
        hello = true;
        keepalive.received();
        advance(1500);
        assertThat(pings).as("PINGs after 1.5 s at 1 s intervals").hasSize(1);
        keepalive.received(); // the last frame, half-way between two PINGs

        advance(2999);
        assertThat(silences).as("silences 2,999 ms after the last frame").isEmpty();
        advance(1);
        assertThat(silences).as("silences 3,000 ms after the last frame (the next PING is due at 5,000)")
                .containsExactly(3000L);
    }

    @Test
    void framesKeepTheConnectionAndEveryFramePushesTheLimitBack() {
        hello = true;
        for (int i = 0; i < 10; i++) {
            advance(2500);
            keepalive.received();
        }
        assertThat(silences).as("silences with a frame every 2.5 s (limit 3 s)").isEmpty();
        assertThat(pings).as("PINGs in 25 s").hasSize(25);
        advance(3000);
        assertThat(silences).containsExactly(3000L);
    }

    @Test
    void beforeHelloNeitherPingsNorTheIdleLimitApply() {
        advance(10_000);
        assertThat(pings).isEmpty();
        assertThat(silences).as("silences before HELLO (the handshake deadline applies then)").isEmpty();

        hello = true;
        keepalive.received();
        advance(3000);
        assertThat(silences).containsExactly(3000L);
    }

    @Test
    void theRoundTripComesFromThePongOfAPing() {
        hello = true;
        assertThat(keepalive.rttNanos()).isEqualTo(-1);
        advance(1000);
        long stamp = pings.get(0);
        advance(0);
        loop.advanceTimeBy(7, TimeUnit.MILLISECONDS);
        keepalive.pong(stamp);
        assertThat(keepalive.rttNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));
    }

    @Test
    void aStoppedKeepaliveNeitherPingsNorEndsTheConnection() {
        hello = true;
        keepalive.stop();
        advance(10_000);
        assertThat(pings).isEmpty();
        assertThat(silences).isEmpty();
    }
}
