package dev.tether.bench.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Median and spread of one figure over several runs. Spread is {@code (max - min) / median}: with 3 to 5 runs a
 * standard deviation says little, the range says plainly how far apart the runs were. NaN values (a figure a run
 * could not measure) are left out.
 */
public record Sample(int count, double median, double min, double max) {

    public static Sample of(List<Double> values) {
        List<Double> sorted = new ArrayList<>();
        for (Double v : values) {
            if (v != null && !v.isNaN()) {
                sorted.add(v);
            }
        }
        if (sorted.isEmpty()) {
            return new Sample(0, Double.NaN, Double.NaN, Double.NaN);
        }
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Sample(n, median, sorted.get(0), sorted.get(n - 1));
    }

    /** {@code (max - min) / median} as a fraction; 0 for one value, NaN when empty or the median is 0. */
    public double spread() {
        if (count == 0 || median == 0) {
            return Double.NaN;
        }
        return (max - min) / median;
    }
}
