package io.karedge.mesh;

/**
 * The answer to {@link MeshStatus#resolve(String)}.
 *
 * @param name      the name asked for, normalised (lower case, no trailing dot)
 * @param found     whether the name is a proxied Service
 * @param address   the Service's local address when found, else {@code ""}
 * @param namespace the Service's namespace when found, else {@code ""}
 * @param service   the Service's name when found, else {@code ""}
 * @param detail    how the name was read, or why it did not resolve
 */
public record Resolution(String name, boolean found, String address, String namespace, String service,
                         String detail) {
}
