package io.karedge.bench;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;

/** What the benchmarks need to run Karedge's DS components without a framework. */
final class BenchComponents {

    private BenchComponents() {
    }

    /** A standalone node named {@code name} whose data lives in {@code data}. */
    static EdgeNode standaloneNode(String name, Path data) {
        return new EdgeNode() {
            @Override
            public String nodeName() {
                return name;
            }

            @Override
            public NodeMode mode() {
                return NodeMode.STANDALONE;
            }

            @Override
            public Path dataDirectory() {
                return data;
            }
        };
    }

    /** A configuration annotation answering {@code overrides} by attribute name, every other attribute with its default. */
    @SuppressWarnings("unchecked")
    static <A extends Annotation> A config(Class<A> type, Map<String, Object> overrides) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            if (overrides.containsKey(method.getName())) {
                return overrides.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            return switch (method.getName()) {
                case "annotationType" -> type;
                case "hashCode" -> 0;
                case "equals" -> proxy == arguments[0];
                case "toString" -> type.getSimpleName();
                default -> throw new UnsupportedOperationException(method.getName());
            };
        });
    }
}
