package io.karedge.mesh.proxy.internal;

import java.util.concurrent.atomic.AtomicLong;

/** What the DNS responder has done since it started. */
final class DnsCounters {
    final AtomicLong queries = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong nxdomain = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong upstreamFailures = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
}
