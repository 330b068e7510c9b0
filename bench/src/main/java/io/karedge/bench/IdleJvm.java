package io.karedge.bench;

/**
 * A JVM that does nothing: the floor of {@code bench/footprint.sh floor}, started with the node's JVM profile
 * to show what the JVM itself holds resident before any class of Karaf or the node is loaded.
 */
public final class IdleJvm {

    private IdleJvm() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("idle");
        Thread.sleep(Long.MAX_VALUE);
    }
}
