package dev.tether.routing.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Narrows an ordered rule list to the rules a path can match, without changing first-match order.
 *
 * <p>Every rule has a required path prefix, possibly empty (see {@link RouteMatcher#requiredPrefix}). The
 * prefixes form a character trie; each node stores, sorted, every rule whose prefix is that node's string or one
 * of its ancestors. Walking the path down the trie as far as it goes therefore ends on a node listing exactly the
 * rules whose prefix the path starts with, in rule order; only those are evaluated. A table of 100
 * {@code /api/vN/...} regex rules costs a walk of a few characters and one regex instead of 100 rejections.
 */
public final class PathIndex {

    private static final class Node {
        final TreeMap<Character, Node> building = new TreeMap<>();
        final List<Integer> own = new ArrayList<>();
        char[] keys;
        Node[] children;
        int[] candidates;
    }

    private final Node root = new Node();

    /** @param requiredPrefixes per rule, in rule order, the prefix every matching path starts with ("" for none) */
    public PathIndex(List<String> requiredPrefixes) {
        for (int i = 0; i < requiredPrefixes.size(); i++) {
            Node n = root;
            String prefix = requiredPrefixes.get(i);
            for (int k = 0; k < prefix.length(); k++) {
                n = n.building.computeIfAbsent(prefix.charAt(k), c -> new Node());
            }
            n.own.add(i);
        }
        freeze(root, new int[0]);
    }

    private static void freeze(Node n, int[] inherited) {
        int[] all = inherited;
        if (!n.own.isEmpty()) {
            all = Arrays.copyOf(inherited, inherited.length + n.own.size());
            for (int i = 0; i < n.own.size(); i++) {
                all[inherited.length + i] = n.own.get(i);
            }
            Arrays.sort(all);
        }
        n.candidates = all;
        n.keys = new char[n.building.size()];
        n.children = new Node[n.building.size()];
        int k = 0;
        for (var e : n.building.entrySet()) {
            n.keys[k] = e.getKey();
            n.children[k] = e.getValue();
            freeze(e.getValue(), all);
            k++;
        }
        n.building.clear();
        n.own.clear();
    }

    /** The indices, ascending, of the rules whose required prefix {@code path} starts with. */
    public int[] candidates(String path) {
        Node n = root;
        for (int i = 0; i < path.length(); i++) {
            Node next = child(n, path.charAt(i));
            if (next == null) {
                break;
            }
            n = next;
        }
        return n.candidates;
    }

    private static Node child(Node n, char c) {
        char[] keys = n.keys;
        if (keys.length <= 8) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == c) {
                    return n.children[i];
                }
            }
            return null;
        }
        int i = Arrays.binarySearch(keys, c);
        return i >= 0 ? n.children[i] : null;
    }
}
