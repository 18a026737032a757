package org.gridpacs.dose.source;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dose.physics.Csv;
import org.gridpacs.dose.physics.Rng;

/** A photon energy spectrum: discrete lines and/or histogram bins (uniform within a bin). */
public final class Spectrum implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] cumulative;
    private final double[] low;
    private final double[] high;
    public final String name;

    private Spectrum(String name, double[] low, double[] high, double[] weight) {
        this.name = name;
        this.low = low;
        this.high = high;
        cumulative = new double[weight.length];
        double s = 0;
        for (int i = 0; i < weight.length; i++) {
            s += weight[i];
            cumulative[i] = s;
        }
        for (int i = 0; i < weight.length; i++) {
            cumulative[i] /= s;
        }
    }

    /** Co-60: 1.1732 and 1.3325 MeV, equal intensity. */
    public static Spectrum cobalt60() {
        return new Spectrum("Co-60", new double[] {1.1732, 1.3325}, new double[] {1.1732, 1.3325}, new double[] {1, 1});
    }

    public static Spectrum monoenergetic(double e) {
        return new Spectrum(e + " MeV", new double[] {e}, new double[] {e}, new double[] {1});
    }

    /** Mohan et al. 1985 Varian 6 MV (resource spectra_6MV.csv, MODE 1: weight per MeV). */
    public static Spectrum mohan6MV() {
        return fromTable("mohan6");
    }

    public static Spectrum fromTable(String spectrum) {
        Csv csv = Csv.resource("spectra_6MV.csv");
        int cs = csv.column("spectrum");
        int cl = csv.column("bin_low_MeV");
        int ch = csv.column("bin_high_MeV");
        int cw = csv.column("weight");
        int cm = csv.column("mode");
        List<double[]> bins = new ArrayList<>();
        for (String[] r : csv.rows) {
            if (r[cs].equals(spectrum)) {
                double lo = Double.parseDouble(r[cl]);
                double hi = Double.parseDouble(r[ch]);
                double w = Double.parseDouble(r[cw]);
                if (Integer.parseInt(r[cm]) == 1) {
                    w *= hi - lo;
                }
                bins.add(new double[] {lo, hi, w});
            }
        }
        if (bins.isEmpty()) {
            throw new IllegalArgumentException("no spectrum " + spectrum);
        }
        int n = bins.size();
        double[] lo = new double[n];
        double[] hi = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = bins.get(i)[0];
            hi[i] = bins.get(i)[1];
            w[i] = bins.get(i)[2];
        }
        return new Spectrum(spectrum, lo, hi, w);
    }

    public double sample(Rng rng) {
        double r = rng.uniform();
        int i = 0;
        while (i < cumulative.length - 1 && cumulative[i] <= r) {
            i++;
        }
        return low[i] == high[i] ? low[i] : low[i] + (high[i] - low[i]) * rng.uniform();
    }

    public double mean() {
        double m = 0;
        double prev = 0;
        for (int i = 0; i < cumulative.length; i++) {
            m += (cumulative[i] - prev) * 0.5 * (low[i] + high[i]);
            prev = cumulative[i];
        }
        return m;
    }

    public double max() {
        double m = 0;
        for (double h : high) {
            m = Math.max(m, h);
        }
        return m;
    }
}
