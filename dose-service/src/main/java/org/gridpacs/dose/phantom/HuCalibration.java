package org.gridpacs.dose.phantom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dose.physics.Csv;
import org.gridpacs.dose.physics.Media;

/**
 * CT number (HU) to mass density and medium. Two calibrations, both read from CSV (conf/dose/ or the copies in
 * this module's resources, headers cite the sources):
 * <ul>
 * <li>{@link #fourMedium}: the EGSnrc ctcreate default ramp, air / lung / soft tissue / bone with a linear density
 * ramp inside each medium (default);</li>
 * <li>{@link #schneider}: Schneider et al. 2000 piecewise-linear density (hu_density_schneider2000.csv); media by
 * the HU bins of Schneider's composition table (hu_material_schneider2000.csv), each bin mapped onto one of the
 * media this engine has tables for by its name: Air, Lung, the adipose / soft / connective tissue bins to soft
 * tissue, marrow-bone, tooth and implant bins to cortical bone. The bins' elemental compositions are not used (a
 * simplification of the 24 compositions to 4 media).</li>
 * </ul>
 */
public final class HuCalibration {
    private final double[] huLo;
    private final double[] huHi;
    private final double[] rhoLo;
    private final double[] rhoHi;
    private final byte[] medium;
    private final boolean schneider;
    private final double[] sHu;
    private final double[] sRho;
    /** Schneider composition bins: the lower HU bound of each and the medium it is mapped to. */
    private final double[] binLo;
    private final byte[] binMedium;

    private HuCalibration(double[] huLo, double[] huHi, double[] rhoLo, double[] rhoHi, byte[] medium,
                          double[] sHu, double[] sRho, double[] binLo, byte[] binMedium) {
        this.huLo = huLo;
        this.huHi = huHi;
        this.rhoLo = rhoLo;
        this.rhoHi = rhoHi;
        this.medium = medium;
        this.schneider = sHu != null;
        this.sHu = sHu;
        this.sRho = sRho;
        this.binLo = binLo;
        this.binMedium = binMedium;
    }

    /** The 4-medium ramp from a CSV in the format of hu_ramp_egsnrc_ctcreate_default.csv. */
    public static HuCalibration fourMedium(Csv csv) {
        double[] lo = csv.doubles("hu_lower");
        double[] hi = csv.doubles("hu_upper");
        double[] rl = csv.doubles("rho_lower_gcm3");
        double[] rh = csv.doubles("rho_upper_gcm3");
        int c = csv.column("medium");
        byte[] med = new byte[lo.length];
        for (int i = 0; i < lo.length; i++) {
            String n = csv.rows.get(i)[c].toUpperCase();
            med[i] = n.startsWith("AIR") ? Media.AIR : n.startsWith("LUNG") ? Media.LUNG
                    : n.contains("BONE") ? Media.BONE : Media.SOFT_TISSUE;
        }
        return new HuCalibration(lo, hi, rl, rh, med, null, null, null, null);
    }

    public static HuCalibration fourMedium() {
        return fourMedium(Csv.resource("hu_ramp_egsnrc_ctcreate_default.csv"));
    }

    /**
     * Schneider 2000: the density curve (hu_density_schneider2000.csv format) and the composition bins
     * (hu_material_schneider2000.csv format: hu_lower and name columns, ascending).
     */
    public static HuCalibration schneider(Csv density, Csv materials) {
        double[] lo = materials.doubles("hu_lower");
        int name = materials.column("name");
        byte[] med = new byte[lo.length];
        for (int i = 0; i < lo.length; i++) {
            if (i > 0 && lo[i] <= lo[i - 1]) {
                throw new IllegalArgumentException("the HU bins of the composition table must ascend: " + lo[i - 1]
                        + " then " + lo[i]);
            }
            med[i] = schneiderMedium(materials.rows.get(i)[name].trim());
        }
        return new HuCalibration(null, null, null, null, null, density.doubles("hu"), density.doubles("density_gcm3"),
                lo, med);
    }

    public static HuCalibration schneider() {
        return schneider(Csv.resource(SCHNEIDER_DENSITY), Csv.resource(SCHNEIDER_MATERIALS));
    }

    private static final String SCHNEIDER_DENSITY = "hu_density_schneider2000.csv";
    private static final String SCHNEIDER_MATERIALS = "hu_material_schneider2000.csv";

    /** The engine's medium for a bin of Schneider's table, by the bin's name. */
    private static byte schneiderMedium(String bin) {
        String n = bin.toUpperCase(java.util.Locale.ROOT);
        if (n.equals("AIR")) {
            return Media.AIR;
        }
        if (n.equals("LUNG")) {
            return Media.LUNG;
        }
        if (n.contains("BONE") || n.contains("TOOTH") || n.contains("IMPLANT")) {
            return Media.BONE;
        }
        return Media.SOFT_TISSUE;
    }

    /** "ramp" or "schneider2000" from the folder conf (falling back to the built-in copies when absent). */
    public static HuCalibration load(Path confDir, String name) throws IOException {
        boolean ramp = name.equalsIgnoreCase("ramp") || name.equalsIgnoreCase("four-medium");
        if (!ramp && !name.toLowerCase().startsWith("schneider")) {
            throw new IllegalArgumentException("unknown HU calibration " + name);
        }
        return ramp ? fourMedium(csv(confDir, "hu_ramp_egsnrc_ctcreate_default.csv"))
                : schneider(csv(confDir, SCHNEIDER_DENSITY), csv(confDir, SCHNEIDER_MATERIALS));
    }

    /** The copy in the conf folder, or the built-in one. */
    private static Csv csv(Path confDir, String file) throws IOException {
        Path p = confDir == null ? null : confDir.resolve(file);
        return p != null && Files.exists(p) ? Csv.file(p) : Csv.resource(file);
    }

    public byte medium(double hu) {
        if (schneider) {
            int i = binLo.length - 1;
            while (i > 0 && hu < binLo[i]) {
                i--;
            }
            return binMedium[i];
        }
        for (int i = 0; i < huHi.length; i++) {
            if (hu <= huHi[i]) {
                return medium[i];
            }
        }
        return medium[medium.length - 1];
    }

    /** Mass density, g/cm3 (never below 0.001: the engine has no vacuum). */
    public float density(double hu) {
        double rho;
        if (schneider) {
            if (hu <= sHu[0]) {
                rho = sRho[0];
            } else if (hu >= sHu[sHu.length - 1]) {
                rho = sRho[sRho.length - 1];
            } else {
                int i = 0;
                while (sHu[i + 1] < hu) {
                    i++;
                }
                rho = sRho[i] + (sRho[i + 1] - sRho[i]) * (hu - sHu[i]) / (sHu[i + 1] - sHu[i]);
            }
        } else {
            if (hu < huLo[0]) {
                rho = rhoLo[0];
            } else {
                int i = 0;
                while (i < huHi.length - 1 && hu > huHi[i]) {
                    i++;
                }
                double h = Math.min(hu, huHi[i]);
                rho = rhoLo[i] + (h - huLo[i]) * (rhoHi[i] - rhoLo[i]) / (huHi[i] - huLo[i]);
            }
        }
        return (float) Math.max(0.001, rho);
    }
}
