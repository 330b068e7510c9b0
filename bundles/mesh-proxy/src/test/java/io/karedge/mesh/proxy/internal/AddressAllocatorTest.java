package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressAllocatorTest {

    @TempDir
    Path dir;

    @Test
    void addressesAreDerivedStablyAndSurviveRestarts() {
        Path file = dir.resolve("addresses.properties");
        AddressAllocator first = new AddressAllocator("127.100.0.0/16", file);
        InetAddress web = first.allocate("default/web");
        InetAddress cart = first.allocate("shop/cart");
        first.flush();

        assertThat(web.getHostAddress()).startsWith("127.100.");
        assertThat(web).isNotEqualTo(cart);
        assertThat(new AddressAllocator("127.100.0.0/16", null).allocate("default/web")).as("derived").isEqualTo(web);
        AddressAllocator second = new AddressAllocator("127.100.0.0/16", file);
        assertThat(second.allocate("shop/cart")).isEqualTo(cart);
        assertThat(second.allocate("default/web")).isEqualTo(web);
    }

    @Test
    void collisionsMoveToAFreeAddressAndTheMoveIsKept() {
        Path file = dir.resolve("addresses.properties");
        AddressAllocator small = new AddressAllocator("127.9.9.0/29", file); // 6 usable addresses
        Set<InetAddress> given = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            given.add(small.allocate("ns/svc-" + i));
        }
        assertThat(given).hasSize(6).allSatisfy(a -> assertThat(a.getAddress()[3] & 0xff).isBetween(1, 6));
        assertThatThrownBy(() -> small.allocate("ns/one-too-many")).isInstanceOf(IllegalStateException.class);
        small.flush();

        AddressAllocator reread = new AddressAllocator("127.9.9.0/29", file);
        Set<InetAddress> again = new HashSet<>();
        for (int i = 5; i >= 0; i--) {
            again.add(reread.allocate("ns/svc-" + i));
        }
        assertThat(again).isEqualTo(given);
        reread.release("ns/svc-3");
        assertThat(reread.allocate("ns/new")).isNotNull();
    }

    @Test
    void rangeMustBeLoopback() {
        assertThatThrownBy(() -> new AddressAllocator("10.0.0.0/16", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AddressAllocator("127.0.0.0/31", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AddressAllocator("127.1.2.3", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
