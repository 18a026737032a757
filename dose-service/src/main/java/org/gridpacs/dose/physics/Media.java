package org.gridpacs.dose.physics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The media the engine knows, in a fixed order: a phantom's material byte is an index into {@link #NAMES}. */
public final class Media {
    public static final List<String> NAMES = List.of("air_dry", "lung_icru44", "tissue_soft_icrp", "bone_cortical_icrp",
            "water_liquid", "bone_cortical_icru44");
    public static final byte AIR = 0;
    public static final byte LUNG = 1;
    public static final byte SOFT_TISSUE = 2;
    public static final byte BONE = 3;
    public static final byte WATER = 4;
    public static final byte BONE_ICRU = 5;

    private static final Map<String, Material> MATERIALS = new ConcurrentHashMap<>();
    private static final Map<List<Double>, PhysicsTables> TABLES = new ConcurrentHashMap<>();

    private Media() {
    }

    public static Material material(String name) {
        return MATERIALS.computeIfAbsent(name, Material::load);
    }

    public static List<Material> all() {
        List<Material> list = new ArrayList<>();
        for (String n : NAMES) {
            list.add(material(n));
        }
        return list;
    }

    /**
     * Tables for all media with bremsstrahlung emission cut kc (= the photon absorption cut-off) and delta-ray
     * production cut wcc (infinite: no delta rays), cached.
     */
    public static PhysicsTables tables(double kc, double wcc) {
        return TABLES.computeIfAbsent(List.of(kc, wcc), k -> new PhysicsTables(all(), kc, wcc));
    }

    public static byte index(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown medium " + name + "; known: " + NAMES);
        }
        return (byte) i;
    }
}
