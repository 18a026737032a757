package org.gridpacs.dose.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.gridpacs.dose.source.Beam;

/**
 * One beam of a request without an RT Plan, as a person describes it: energy, field at the isocentre (symmetric
 * W x L or jaws), where it sits (SSD on the beam axis through the middle of the CT, or an isocentre in patient
 * coordinates), gantry and collimator angles and MU. SAD is 100 cm, as on the machines the engine models.
 *
 * @param x1 X jaw, cm at the isocentre (x1 &lt; x2), likewise y1 &lt; y2
 * @param ssd source to skin distance, cm, or null when {@code isocenter} is given
 * @param isocenter isocentre in patient coordinates (DICOM), mm, or null when {@code ssd} is given
 */
public record BeamSpec(Beam.Kind energy, double x1, double x2, double y1, double y2, Double ssd, List<Double> isocenter,
                       double gantry, double collimator, double mu) {

    public static final double SAD_CM = 100;

    /** @throws IllegalArgumentException naming what is wrong */
    public BeamSpec {
        if (energy == null) {
            throw new IllegalArgumentException("a beam needs an energy: 6mv or co60");
        }
        if (!(x1 < x2) || !(y1 < y2) || x2 - x1 > 40 || y2 - y1 > 40 || Math.abs(x1) > 20 || Math.abs(x2) > 20
                || Math.abs(y1) > 20 || Math.abs(y2) > 20) {
            throw new IllegalArgumentException("field must be open (x1 < x2, y1 < y2) and within 40 x 40 cm, not jaws "
                    + x1 + ".." + x2 + " x " + y1 + ".." + y2 + " cm");
        }
        if ((ssd == null) == (isocenter == null)) {
            throw new IllegalArgumentException("a beam needs either ssd (cm) or isocenter ([x, y, z] mm), not "
                    + (ssd == null ? "neither" : "both"));
        }
        if (ssd != null && !(ssd >= 50 && ssd <= SAD_CM)) {
            throw new IllegalArgumentException("ssd must be between 50 and 100 cm (isocentre 100 cm from the source, "
                    + "at or below the skin), not " + ssd);
        }
        if (isocenter != null) {
            isocenter = List.copyOf(isocenter);
            if (isocenter.size() != 3 || isocenter.stream().anyMatch(v -> v == null || !Double.isFinite(v))) {
                throw new IllegalArgumentException("isocenter must be [x, y, z] in mm");
            }
        }
        if (!Double.isFinite(gantry) || !Double.isFinite(collimator)) {
            throw new IllegalArgumentException("gantry and collimator must be angles in degrees");
        }
        if (!(mu > 0 && mu <= 10_000)) {
            throw new IllegalArgumentException("mu must be above 0 and at most 10000, not " + mu);
        }
    }

    /** The engine's beam kind for an energy as people write it: 6mv (6x) or co60. */
    public static Beam.Kind energy(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "6mv", "6x", "6" -> Beam.Kind.MV6;
            case "co60", "co-60", "cobalt" -> Beam.Kind.CO60;
            default -> throw new IllegalArgumentException("energy " + s + ": only 6mv and co60 are modelled");
        };
    }

    /** The name a request uses for a kind. */
    public static String energyName(Beam.Kind k) {
        return k == Beam.Kind.MV6 ? "6mv" : "co60";
    }

    /** "WxL" in cm -> symmetric jaws {x1, x2, y1, y2}. */
    public static double[] field(String s) {
        String[] wl = s.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            if (wl.length == 2) {
                double w = Double.parseDouble(wl[0]);
                double l = Double.parseDouble(wl[1]);
                return new double[] {-w / 2, w / 2, -l / 2, l / 2};
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("field must look like 10x10 (cm), not '" + s + "'");
    }

    /**
     * The command line's form: words {@code 6mv 10x10 ssd=100 mu=100 gantry=0 collimator=0}, or
     * {@code jaws=x1,x2,y1,y2} instead of WxL and {@code iso=x,y,z} (mm) instead of ssd.
     */
    public static BeamSpec parse(String text) {
        Beam.Kind kind = null;
        double[] jaws = null;
        Double ssd = null;
        List<Double> iso = null;
        double gantry = 0;
        double coll = 0;
        double mu = 100;
        for (String w : text.trim().split("\\s+")) {
            String word = w.toLowerCase(Locale.ROOT);
            int eq = word.indexOf('=');
            String key = eq < 0 ? "" : word.substring(0, eq);
            String val = eq < 0 ? word : word.substring(eq + 1);
            switch (key) {
                case "" -> {
                    if (word.matches("[0-9.]+x[0-9.]+")) {
                        jaws = field(word);
                    } else {
                        kind = energy(word);
                    }
                }
                case "energy" -> kind = energy(val);
                case "field" -> jaws = field(val);
                case "jaws" -> jaws = numbers(val, 4, "jaws=x1,x2,y1,y2 (cm)");
                case "ssd" -> ssd = number(val, key);
                case "iso", "isocenter" -> {
                    double[] v = numbers(val, 3, "iso=x,y,z (mm)");
                    iso = List.of(v[0], v[1], v[2]);
                }
                case "gantry" -> gantry = number(val, key);
                case "collimator", "coll" -> coll = number(val, key);
                case "mu" -> mu = number(val, key);
                default -> throw new IllegalArgumentException("unknown beam word '" + w
                        + "' (expected energy, WxL, ssd=, iso=, jaws=, gantry=, collimator=, mu=)");
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("the beam '" + text + "' names no energy (6mv or co60)");
        }
        if (jaws == null) {
            throw new IllegalArgumentException("the beam '" + text + "' names no field (WxL in cm, or jaws=)");
        }
        if (ssd == null && iso == null) {
            ssd = SAD_CM;
        }
        return new BeamSpec(kind, jaws[0], jaws[1], jaws[2], jaws[3], ssd, iso, gantry, coll, mu);
    }

    /** As the HTTP API's JSON takes it. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("energy", energyName(energy));
        m.put("jaws", List.of(x1, x2, y1, y2));
        if (ssd != null) {
            m.put("ssd", ssd);
        } else {
            m.put("isocenter", isocenter);
        }
        m.put("gantry", gantry);
        m.put("collimator", collimator);
        m.put("mu", mu);
        return m;
    }

    private static double number(String v, String key) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
    }

    private static double[] numbers(String v, int n, String form) {
        String[] parts = v.split(",");
        if (parts.length != n) {
            throw new IllegalArgumentException("expected " + form + ", not '" + v + "'");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = number(parts[i], form);
        }
        return out;
    }
}
