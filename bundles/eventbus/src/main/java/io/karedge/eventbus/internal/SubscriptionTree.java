package io.karedge.eventbus.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Topic filters by level, for matching a published topic against every subscription in one walk.
 * Thread-safe: many readers (routing) or one writer (subscribe, unsubscribe).
 *
 * @param <S> the subscriber
 */
final class SubscriptionTree<S> {

    private static final class Node<S> {
        final Map<String, Node<S>> children = new HashMap<>();
        final Map<S, Integer> subscribers = new HashMap<>();

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty();
        }
    }

    private final Node<S> root = new Node<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    /** Adds or replaces the subscription of {@code subscriber} to {@code filter} (a valid filter). */
    void add(String filter, S subscriber, int qos) {
        lock.writeLock().lock();
        try {
            Node<S> node = root;
            for (String level : filter.split("/", -1)) {
                node = node.children.computeIfAbsent(level, l -> new Node<>());
            }
            node.subscribers.put(subscriber, qos);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** @return true if the subscription existed */
    boolean remove(String filter, S subscriber) {
        lock.writeLock().lock();
        try {
            return remove(root, filter.split("/", -1), 0, subscriber);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private boolean remove(Node<S> node, String[] levels, int index, S subscriber) {
        if (index == levels.length) {
            return node.subscribers.remove(subscriber) != null;
        }
        Node<S> child = node.children.get(levels[index]);
        if (child == null) {
            return false;
        }
        boolean removed = remove(child, levels, index + 1, subscriber);
        if (child.isEmpty()) {
            node.children.remove(levels[index]);
        }
        return removed;
    }

    /** @return every subscriber whose filters match {@code topic}, with the highest QoS among its matches */
    Map<S, Integer> match(String topic) {
        Map<S, Integer> found = new HashMap<>();
        String[] levels = topic.split("/", -1);
        lock.readLock().lock();
        try {
            collect(root, levels, 0, topic.startsWith("$"), found);
        } finally {
            lock.readLock().unlock();
        }
        return found;
    }

    /** @return whether any subscription matches {@code topic}; stops at the first one found */
    boolean matchesAny(String topic) {
        String[] levels = topic.split("/", -1);
        lock.readLock().lock();
        try {
            return any(root, levels, 0, topic.startsWith("$"));
        } finally {
            lock.readLock().unlock();
        }
    }

    private boolean any(Node<S> node, String[] levels, int index, boolean dollar) {
        boolean wildcardsAllowed = !(index == 0 && dollar);
        if (wildcardsAllowed) {
            Node<S> multi = node.children.get("#");
            if (multi != null && !multi.subscribers.isEmpty()) {
                return true;
            }
        }
        if (index == levels.length) {
            return !node.subscribers.isEmpty();
        }
        Node<S> exact = node.children.get(levels[index]);
        if (exact != null && any(exact, levels, index + 1, dollar)) {
            return true;
        }
        if (wildcardsAllowed) {
            Node<S> single = node.children.get("+");
            return single != null && any(single, levels, index + 1, dollar);
        }
        return false;
    }

    private void collect(Node<S> node, String[] levels, int index, boolean dollar, Map<S, Integer> found) {
        boolean wildcardsAllowed = !(index == 0 && dollar);
        if (wildcardsAllowed) {
            Node<S> multi = node.children.get("#");
            if (multi != null) {
                addAll(multi, found);
            }
        }
        if (index == levels.length) {
            addAll(node, found);
            return;
        }
        Node<S> exact = node.children.get(levels[index]);
        if (exact != null) {
            collect(exact, levels, index + 1, dollar, found);
        }
        if (wildcardsAllowed) {
            Node<S> single = node.children.get("+");
            if (single != null) {
                collect(single, levels, index + 1, dollar, found);
            }
        }
    }

    private void addAll(Node<S> node, Map<S, Integer> found) {
        node.subscribers.forEach((subscriber, qos) -> found.merge(subscriber, qos, Math::max));
    }
}
