package io.karedge.dashboard.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What the dashboard's value history costs in heap: 100 devices × 10 properties (or as given), each fed a value
 * every second for 70 minutes of its own clock so both rings are full (the worst case at the default
 * limits), measured as the heap still in use after a full collection, with and without the history held.
 * Also with text values (the text arrays), the history at its property cap, and the cost of one add.
 *
 * <p>Run with bench/history.sh. Prints one line per figure; the median of five measurements.
 */
public final class HistoryBench {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** the history being measured: held here so that nothing else keeps one alive between measurements */
    private static ValueHistory held;
    private static long baseline = Long.MAX_VALUE;

    private HistoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int properties = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        ValueHistory.Limits limits = ValueHistory.Limits.DEFAULTS;
        System.out.printf("limits: %d full-resolution points and %d minutes per property, %d properties at most"
                + " (%,d points at most)%n", limits.finePoints(), limits.coarseMinutes(), limits.maxProperties(),
                limits.maxPoints());

        String grid = devices + " devices × " + properties;
        measure(grid + " numbers with a desired value, an hour full", limits, devices, properties, false, true,
                70 * 60);
        measure(grid + " numbers, no desired value, an hour full", limits, devices, properties, false, false,
                70 * 60);
        measure(grid + " numbers with a desired value, 2 minutes", limits, devices, properties, false, true, 120);
        measure(grid + " texts, an hour full", limits, devices, properties, true, false, 70 * 60);
        measure("at the cap: " + limits.maxProperties() + " numbers with a desired value, an hour full", limits,
                limits.maxProperties() / properties, properties, false, true, 70 * 60);
        addCost(limits, devices, properties);
    }

    private static void measure(String what, ValueHistory.Limits limits, int devices, int properties, boolean text,
                                boolean desired, int seconds) throws InterruptedException {
        long[] bytes = new long[5];
        long points = 0;
        for (int run = 0; run < bytes.length; run++) {
            held = null;
            // a collection now and then leaves some garbage behind: the lowest reading without a history is the base
            baseline = Math.min(baseline, usedAfterGc());
            held = filled(limits, devices, properties, text, desired, seconds, run);
            long after = usedAfterGc();
            points = held.points();
            bytes[run] = after - baseline;
            held = null;
        }
        if (Boolean.getBoolean("bench.verbose")) {
            System.out.println(Arrays.toString(bytes));
        }
        Arrays.sort(bytes);
        long median = bytes[bytes.length / 2];
        int kept = Math.min(devices * properties, limits.maxProperties());
        System.out.printf("%-66s %,10d points %8.2f MiB  %,6d bytes per property  %5.1f bytes per point%n", what,
                points, median / 1048576.0, median / kept, (double) median / Math.max(points, 1));
    }

    private static ValueHistory filled(ValueHistory.Limits limits, int devices, int properties, boolean text,
                                       boolean desired, int seconds, long seed) {
        ValueHistory history = new ValueHistory(limits);
        Random random = new Random(seed);
        List<String> words = List.of("on", "off", "auto", "manual", "error: sensor not answering");
        long start = 1_800_000_000_000L;
        for (int second = 0; second < seconds; second++) {
            long at = start + second * 1000L + random.nextInt(900);
            for (int d = 0; d < devices; d++) {
                String device = "default/device-" + d;
                for (int p = 0; p < properties; p++) {
                    // fresh strings, as each twin change brings its own
                    String value = text ? new String(words.get(random.nextInt(words.size())))
                            : Double.toString(20 + random.nextGaussian());
                    history.add(device, "property-" + p, at, value, desired ? "21.5" : null);
                }
            }
        }
        return history;
    }

    private static void addCost(ValueHistory.Limits limits, int devices, int properties) {
        ValueHistory history = filled(limits, devices, properties, false, true, 200, 1);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            values.add(Double.toString(i / 7.0));
        }
        long best = Long.MAX_VALUE;
        int adds = devices * properties * 20;
        for (int run = 0; run < 5; run++) {
            long at = 1_900_000_000_000L + run * 100_000L;
            long began = System.nanoTime();
            for (int i = 0; i < adds; i++) {
                history.add("default/device-" + (i % devices), "property-" + (i % properties), at + i, values.get(i % 1000),
                        null);
            }
            best = Math.min(best, System.nanoTime() - began);
        }
        System.out.printf("%-66s %,10d adds   %8.0f ns per add (best of 5)%n", "add (a twin change's property)",
                adds, (double) best / adds);
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
