package io.karedge.mesh.proxy.internal;

/**
 * Settings of the kernel data path ({@link NftablesPath}).
 *
 * @param enabled             forward Services with loopback endpoints by nftables NAT
 * @param command             the nft executable
 * @param table               the nftables table (family ip) the mesh owns
 * @param probeIntervalMillis how often the endpoints of forwarded Services are probed with a TCP connect
 */
record KernelSettings(boolean enabled, String command, String table, long probeIntervalMillis) {

    static final String DEFAULT_TABLE = "karedge_mesh";

    KernelSettings {
        command = command == null || command.isBlank() ? "nft" : command.trim();
        table = table == null || table.isBlank() ? DEFAULT_TABLE : table.trim();
        probeIntervalMillis = Math.max(50, probeIntervalMillis);
    }

    static KernelSettings off() {
        return new KernelSettings(false, "nft", DEFAULT_TABLE, 500);
    }

    static KernelSettings of(MeshProxyComponent.Config config) {
        return new KernelSettings("nftables".equalsIgnoreCase(config.kernel_datapath().trim()), config.kernel_nft_command(),
                config.kernel_table(), config.kernel_probe_interval_ms());
    }
}
