package dev.tether.routing.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Narrows an ordered rule list to the rules a path can match, without changing first-match order.
 *
 * <p>Every rule has a required path prefix, possibly empty (see {@link RouteMatcher#requiredPrefix}). The
 * prefixes form a character trie (chains without rules compressed into one edge); each node stores, sorted, every rule whose prefix is that node's string or one
 * of its ancestors. Walking the path down the trie as far as it goes therefore ends on a node listing exactly the
 * rules whose prefix the path starts with, in rule order; only those are evaluated. A table of 100
 * {@code /api/vN/...} regex rules costs a walk of a few characters and one regex instead of 100 rejections.
 */
public final class PathIndex {

    private static final class Node {
        final TreeMap<Character, Node> building = new TreeMap<>();
        final List<Integer> own = new ArrayList<>();
        char[] keys;
        String[] labels;
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

    /**
     * Fixes each node's candidates and compresses chains of nodes without rules of their own into one edge
     * label, so {@code /dtable-server/} is one {@code startsWith}, not fifteen steps.
     */
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
        int size = n.building.size();
        n.keys = new char[size];
        n.labels = new String[size];
        n.children = new Node[size];
        int k = 0;
        for (var e : n.building.entrySet()) {
            StringBuilder label = new StringBuilder().append(e.getKey());
            Node c = e.getValue();
            while (c.own.isEmpty() && c.building.size() == 1) {
                var only = c.building.firstEntry();
                label.append(only.getKey());
                c = only.getValue();
            }
            n.keys[k] = e.getKey();
            n.labels[k] = label.toString();
            n.children[k] = c;
            freeze(c, all);
            k++;
        }
        n.building.clear();
        n.own.clear();
    }

    /** The indices, ascending, of the rules whose required prefix {@code path} starts with. */
    public int[] candidates(String path) {
        Node n = root;
        int i = 0;
        int len = path.length();
        while (i < len) {
            int k = child(n, path.charAt(i));
            if (k < 0 || !path.startsWith(n.labels[k], i)) {
                break;
            }
            i += n.labels[k].length();
            n = n.children[k];
        }
        return n.candidates;
    }

    private static int child(Node n, char c) {
        char[] keys = n.keys;
        if (keys.length <= 8) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == c) {
                    return i;
                }
            }
            return -1;
        }
        int i = Arrays.binarySearch(keys, c);
        return i >= 0 ? i : -1;
    }
}
