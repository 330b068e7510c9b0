package io.karedge.twin.internal;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import io.karedge.api.twin.TwinListener;
import io.karedge.api.twin.TwinReply;
import io.karedge.store.internal.StoreComponent;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The node's durable twin for tests of the modules around it: the real SQLite store and the real twin engine
 * on it, with their configurations' defaults (the store's sync relaxed to {@code NORMAL}), in one data
 * directory of a standalone node. Stopping and opening it again is a node's restart: what was stored is still
 * there. The twin module's test-jar carries it.
 */
public final class DurableTwin {

    private final EdgeNode node;
    private StoreComponent store;
    private TwinEngineComponent engine;

    public DurableTwin(String nodeName, Path dataDirectory) {
        this.node = new EdgeNode() {
            @Override
            public String nodeName() {
                return nodeName;
            }

            @Override
            public NodeMode mode() {
                return NodeMode.STANDALONE;
            }

            @Override
            public Path dataDirectory() {
                return dataDirectory;
            }
        };
    }

    /** Opens the store (its database is created in the data directory the first time). */
    public StoreComponent openStore() {
        store = new StoreComponent(node, defaults(StoreComponent.Config.class));
        return store;
    }

    /** Starts the twin engine on the open store. */
    public TwinEngineComponent startEngine() {
        engine = new TwinEngineComponent(store, store, node, defaults(TwinEngineComponent.Config.class));
        return engine;
    }

    public StoreComponent store() {
        return store;
    }

    public TwinEngineComponent engine() {
        return engine;
    }

    /** Binds a listener as DS does (the engine's whiteboard). */
    public void addListener(TwinListener listener) {
        engine.addListener(listener);
    }

    public void removeListener(TwinListener listener) {
        engine.removeListener(listener);
    }

    /** Stops the engine, then the store (either may not be running). */
    public void stop() {
        if (engine != null) {
            engine.deactivate();
            engine = null;
        }
        if (store != null) {
            deactivate(store);
            store = null;
        }
    }

    /** @return the engine's reply, waited for at most 10 s */
    public static TwinReply reply(CompletionStage<TwinReply> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no reply: " + e, e);
        }
    }

    /** A DS configuration annotation with its defaults, and a relaxed sync for the store. */
    private static <T> T defaults(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("annotationType")) {
                return type;
            }
            if (method.getName().equals("synchronous")) {
                return "NORMAL";
            }
            return method.getDefaultValue();
        }));
    }

    // the store's deactivate is its package's
    private static void deactivate(StoreComponent target) {
        try {
            Method method = StoreComponent.class.getDeclaredMethod("deactivate");
            method.setAccessible(true);
            method.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("deactivate of the store", e);
        }
    }
}
