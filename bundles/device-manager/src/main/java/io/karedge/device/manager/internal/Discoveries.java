package io.karedge.device.manager.internal;

import io.karedge.device.driver.DeviceDiscovery;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.driver.DriverException;
import io.karedge.device.manager.DiscoveryException;
import io.karedge.device.manager.DiscoveryException.Reason;
import io.karedge.device.manager.DiscoveryResult;
import io.karedge.device.manager.DriverDiscovery;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device scans: each runs on a thread of its own ({@code karedge-discovery-N}, created for the scan and
 * ended after it), never on the caller's and never on the device scheduler, so a slow scan stalls no
 * device. A driver scans once at a time: while its scan runs (also one that overran its timeout and has
 * not returned yet) a new request for it is refused. The caller waits the timeout plus {@code grace}, then
 * the scan thread is interrupted.
 */
final class Discoveries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Discoveries.class);

    private final Function<String, Optional<DriverEntry>> drivers;
    private final Duration grace;
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads;
    private volatile boolean closed;

    /** @param drivers the active driver of a protocol */
    Discoveries(Function<String, Optional<DriverEntry>> drivers, Duration grace) {
        this.drivers = drivers;
        this.grace = grace;
        AtomicInteger count = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "karedge-discovery-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    DiscoveryResult discover(String protocol, Duration requested) throws DiscoveryException {
        Duration timeout = bounded(requested);
        String name = protocol == null ? "" : protocol.trim();
        if (closed) {
            throw new DiscoveryException(Reason.STOPPED, "the device manager is stopping");
        }
        DriverEntry entry = drivers.apply(name).orElseThrow(() -> new DiscoveryException(Reason.NO_DRIVER,
                name.isEmpty() ? "no protocol given" : "no driver for protocol " + name + " is installed"));
        if (!(entry.driver() instanceof DeviceDiscovery discovery)) {
            throw new DiscoveryException(Reason.NOT_SUPPORTED, "the " + name + " driver " + entry.label()
                    + " does not offer discovery");
        }
        if (!running.add(entry.serviceId())) {
            throw new DiscoveryException(Reason.BUSY, "a scan of " + name + " is running; try again when it ends");
        }
        long start = System.nanoTime();
        Future<List<DiscoveredDevice>> scan;
        try {
            scan = threads.submit(() -> {
                try {
                    return discovery.discover(timeout);
                } finally {
                    running.remove(entry.serviceId());
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(entry.serviceId());
            throw new DiscoveryException(Reason.STOPPED, "the device manager is stopping");
        }
        LOG.info("Scan of {} started on driver {} (timeout {} ms)", name, entry.label(), timeout.toMillis());
        try {
            List<DiscoveredDevice> found = scan.get(timeout.plus(grace).toMillis(), TimeUnit.MILLISECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            List<DiscoveredDevice> devices = found == null ? List.of()
                    : found.stream().filter(Objects::nonNull).toList();
            LOG.info("Scan of {} found {} device(s) in {} ms", name, devices.size(), elapsed.toMillis());
            return new DiscoveryResult(name, entry.label(), devices, elapsed);
        } catch (TimeoutException e) {
            scan.cancel(true);
            LOG.warn("Scan of {} by driver {} did not end within {} ms; interrupted", name, entry.label(),
                    timeout.toMillis());
            throw new DiscoveryException(Reason.TIMED_OUT, "the scan of " + name + " did not end within "
                    + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause instanceof DriverException ? cause.getMessage() : String.valueOf(cause);
            LOG.warn("Scan of {} by driver {} failed: {}", name, entry.label(), message);
            throw new DiscoveryException(Reason.FAILED, "the scan of " + name + " failed: " + message, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scan.cancel(true);
            throw new DiscoveryException(Reason.STOPPED, "interrupted while waiting for the scan of " + name, e);
        }
    }

    static Duration bounded(Duration requested) {
        if (requested == null) {
            return DriverDiscovery.DEFAULT_TIMEOUT;
        }
        if (requested.isNegative() || requested.isZero() || requested.compareTo(DriverDiscovery.MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the timeout must be more than 0 and at most "
                    + DriverDiscovery.MAX_TIMEOUT.toSeconds() + " s, not " + requested.toMillis() + " ms");
        }
        return requested;
    }

    @Override
    public void close() {
        closed = true;
        threads.shutdownNow();
    }
}
