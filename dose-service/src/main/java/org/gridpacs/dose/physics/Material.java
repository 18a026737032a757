package org.gridpacs.dose.physics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One medium as published: NIST XCOM photon coefficients and ESTAR-method electron stopping powers
 * (resources {@code photon_NAME.csv}, {@code electron_NAME.csv}, copied from shared/data/physics with their citations).
 */
public final class Material {
    public final String name;
    /** Nominal density from the table header, g/cm3. */
    public final double density;
    public final double[] photonEnergy;
    public final double[] compton;
    public final double[] photoelectric;
    /** Pair production in the nuclear plus the electron field (triplet). */
    public final double[] pair;
    public final double[] coherent;
    public final double[] electronEnergy;
    public final double[] collision;
    public final double[] radiative;
    public final double[] csdaRange;
    /** Radiation length, g/cm2, from the composition in the electron table header (Tsai). */
    public final double radiationLength;
    /** Electrons per unit mass, Z/A (mol/g), from the electron table header (for the Moller cross section). */
    public final double zOverA;

    private Material(String name) {
        this.name = name;
        Csv p = Csv.resource("photon_" + name + ".csv");
        photonEnergy = p.doubles("energy_MeV");
        compton = p.doubles("incoherent");
        photoelectric = p.doubles("photoelectric");
        coherent = p.doubles("coherent");
        double[] pn = p.doubles("pair_nuclear");
        double[] pe = p.doubles("pair_electron");
        pair = new double[pn.length];
        for (int i = 0; i < pn.length; i++) {
            pair[i] = pn[i] + pe[i];
        }
        Csv e = Csv.resource("electron_" + name + ".csv");
        electronEnergy = e.doubles("energy_MeV");
        collision = e.doubles("collision_MeVcm2g");
        radiative = e.doubles("radiative_MeVcm2g");
        csdaRange = e.doubles("csda_range_gcm2");
        double rho = Double.NaN;
        double za = Double.NaN;
        Matcher zm = Pattern.compile("Z/A = ([0-9.eE+-]+)").matcher("");
        List<Integer> zs = new ArrayList<>();
        List<Double> ws = new ArrayList<>();
        Matcher dm = Pattern.compile("density ([0-9.eE+-]+) g/cm3").matcher("");
        for (String c : e.comments) {
            if (dm.reset(c).find() && Double.isNaN(rho)) {
                rho = Double.parseDouble(dm.group(1));
            }
            if (zm.reset(c).find() && Double.isNaN(za)) {
                za = Double.parseDouble(zm.group(1));
            }
            int k = c.indexOf("composition (Z:w)");
            if (k >= 0 && zs.isEmpty()) {
                for (String t : c.substring(k + "composition (Z:w)".length()).trim().split("\\s+")) {
                    String[] zw = t.split(":");
                    zs.add(Integer.parseInt(zw[0]));
                    ws.add(Double.parseDouble(zw[1]));
                }
            }
        }
        if (Double.isNaN(rho) || Double.isNaN(za) || zs.isEmpty()) {
            throw new IllegalStateException("no density/Z/A/composition in electron_" + name + ".csv");
        }
        density = rho;
        zOverA = za;
        radiationLength = Elements.radiationLength(zs.stream().mapToInt(Integer::intValue).toArray(),
                ws.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static Material load(String name) {
        return new Material(name);
    }

    /** Log-log interpolation of a tabulated coefficient; linear where a neighbour is zero (pair thresholds). */
    public static double logLog(double[] x, double[] y, double at) {
        int n = x.length;
        if (at <= x[0]) {
            return y[0];
        }
        if (at >= x[n - 1]) {
            return y[n - 1];
        }
        int lo = 0;
        int hi = n - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (x[mid] <= at) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double x0 = x[lo];
        double x1 = x[hi];
        double y0 = y[lo];
        double y1 = y[hi];
        if (x1 <= x0) {
            return y1;
        }
        if (y0 <= 0 || y1 <= 0) {
            return y0 + (y1 - y0) * (at - x0) / (x1 - x0);
        }
        return Math.exp(Math.log(y0) + Math.log(y1 / y0) * Math.log(at / x0) / Math.log(x1 / x0));
    }
}
