package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A seeded random sequence over up to 12 streams of one connection: writes of random sizes (each checked
 * byte for byte on its way back), resets, half-closes with the rest of the echo read after the FIN, and
 * new streams. Every stream must keep working whatever happens to the others. The seed is printed on
 * failure; {@code -Dtunnel.seed=<n>} replays one.
 */
class TunnelRandomTest {

    @Test
    void randomStreamOperationsKeepEveryStreamIntact() throws Exception {
        long seed = Long.getLong("tunnel.seed", System.nanoTime());
        try {
            run(seed, 400);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("seed " + seed + " (replay with -Dtunnel.seed=" + seed + "): " + e, e);
        }
    }

    private static void run(long seed, int steps) throws Exception {
        Random random = new Random(seed);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        TestPki pki = new TestPki("ca");
        TunnelLimits limits = TunnelLimits.DEFAULTS.withStreamWindow(64 * 1024);
        try (TestNode a = new TestNode("a", pki.node("a"), group, "127.0.53.1", limits);
             TestNode b = new TestNode("b", pki.node("b"), group, "127.0.53.2", limits);
             ByteEcho echo = new ByteEcho()) {
            b.endpoints.add(echo.port());
            a.dial(b);
            await().atMost(Duration.ofSeconds(20)).until(() -> a.tunnel.reachable("b"));
            int entry = a.entry("b", echo.port());
            List<Socket> streams = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                int op = random.nextInt(100);
                if (streams.isEmpty() || (op < 10 && streams.size() < 12)) {
                    Socket socket = new Socket("127.0.0.1", entry);
                    socket.setSoTimeout(20_000);
                    streams.add(socket);
                } else if (op < 80) {
                    Socket socket = streams.get(random.nextInt(streams.size()));
                    byte[] message = new byte[1 + random.nextInt(random.nextBoolean() ? 100 : 48 * 1024)];
                    random.nextBytes(message);
                    assertThat(TunnelTest.roundTrip(socket, message)).as("echo at step " + step).isTrue();
                } else if (op < 90) {
                    Socket socket = streams.remove(random.nextInt(streams.size()));
                    socket.setSoLinger(true, 0);
                    socket.close();
                } else {
                    Socket socket = streams.remove(random.nextInt(streams.size()));
                    byte[] message = new byte[1 + random.nextInt(32 * 1024)];
                    random.nextBytes(message);
                    socket.getOutputStream().write(message);
                    socket.shutdownOutput();
                    byte[] back = readToEnd(socket.getInputStream());
                    assertThat(Arrays.equals(back, message)).as("echo after FIN at step " + step).isTrue();
                    socket.close();
                }
            }
            for (Socket socket : streams) {
                socket.close();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> a.tunnel.connection("b").streamCount() == 0
                    && b.tunnel.connection("a").streamCount() == 0);
            assertThat(a.openFailures).hasValue(0);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
