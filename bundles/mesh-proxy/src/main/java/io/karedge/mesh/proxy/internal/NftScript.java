package io.karedge.mesh.proxy.internal;

import java.util.List;
import java.util.Locale;

/**
 * The nftables ruleset of the kernel data path: one table of its own with a NAT chain on the output
 * hook (locally created connections, which is where every client of a loopback Service address is),
 * one rule per {@link KernelRoute}. The script replaces the table in one transaction ({@code nft -f}
 * applies a file atomically), so a change never leaves a moment without rules, and connections already
 * open keep the endpoint conntrack gave them: they drain instead of being cut.
 *
 * <p>Policies: round robin is {@code numgen inc}, random is {@code numgen random}, the source-IP hash is
 * {@code jhash ip saddr} over the endpoint list (sticky per client address while the list is unchanged;
 * unlike the proxy's hash ring it moves other clients too when an endpoint leaves).
 */
final class NftScript {

    private NftScript() {
    }

    static String render(String table, List<KernelRoute> routes) {
        StringBuilder script = new StringBuilder();
        // create-then-delete makes the delete safe when the table does not exist yet
        script.append("table ip ").append(table).append(" {}\n");
        script.append("delete table ip ").append(table).append('\n');
        script.append("table ip ").append(table).append(" {\n");
        script.append("  chain services {\n");
        script.append("    type nat hook output priority -100; policy accept;\n");
        for (KernelRoute route : routes) {
            script.append("    ip daddr ").append(route.address().getHostAddress())
                    .append(" tcp dport ").append(route.port())
                    .append(" dnat ip to ").append(destination(route)).append('\n');
        }
        script.append("  }\n");
        script.append("}\n");
        return script.toString();
    }

    static String removal(String table) {
        return "table ip " + table + " {}\ndelete table ip " + table + "\n";
    }

    private static String destination(KernelRoute route) {
        List<Target> targets = route.targets();
        if (targets.size() == 1) {
            return hostPort(targets.get(0));
        }
        String selector = switch (route.policy()) {
            case ROUND_ROBIN -> "numgen inc";
            case RANDOM -> "numgen random";
            case CONSISTENT_HASH_SOURCE_IP -> "jhash ip saddr";
        };
        StringBuilder map = new StringBuilder(selector).append(" mod ").append(targets.size()).append(" map { ");
        for (int i = 0; i < targets.size(); i++) {
            if (i > 0) {
                map.append(", ");
            }
            Target target = targets.get(i);
            map.append(i).append(" : ").append(target.ip()).append(" . ").append(target.port());
        }
        return map.append(" }").toString();
    }

    private static String hostPort(Target target) {
        return String.format(Locale.ROOT, "%s:%d", target.ip(), target.port());
    }

    /** @return whether a table name is safe to put in a script: letters, digits and underscores */
    static boolean validTableName(String table) {
        return table != null && table.matches("[A-Za-z][A-Za-z0-9_]{0,31}");
    }
}
