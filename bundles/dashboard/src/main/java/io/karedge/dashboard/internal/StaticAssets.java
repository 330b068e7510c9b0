package io.karedge.dashboard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The page's files, read once from the bundle's {@code ui/} folder and kept (about 90 kB with the charting library). A
 * name outside the known set, or with a path in it, is not found: nothing else of the bundle is served.
 */
final class StaticAssets {

    record Asset(byte[] bytes, String contentType) {
    }

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "charts.js", "text/javascript; charset=utf-8",
            "history.js", "text/javascript; charset=utf-8",
            "rates.js", "text/javascript; charset=utf-8",
            "uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uPlot.min.css", "text/css; charset=utf-8",
            "style.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");

    private final ClassLoader loader;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    StaticAssets(ClassLoader loader) {
        this.loader = loader;
    }

    Optional<Asset> get(String name) {
        String file = name == null || name.isEmpty() ? "index.html" : name;
        String type = FILES.get(file);
        if (type == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(cache.computeIfAbsent(file, f -> load(f, type)));
    }

    private Asset load(String file, String type) {
        try (InputStream in = loader.getResourceAsStream("ui/" + file)) {
            return in == null ? null : new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            return null;
        }
    }
}
