package io.karedge.cloud.bridge.internal;

/** A rate limit in the style of EdgeCore's upstream limiter: {@code qps} tokens a second, up to {@code burst}. */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    /** @param qps tokens per second; 0 means unlimited */
    TokenBucket(int qps, int burst, long nowNanos) {
        this.perNano = qps / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** @return 0 if a token was taken, else the nanoseconds until one is available */
    long take(long nowNanos) {
        if (perNano == 0) {
            return 0;
        }
        tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perNano);
    }
}
