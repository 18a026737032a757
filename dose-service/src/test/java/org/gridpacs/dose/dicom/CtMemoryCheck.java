package org.gridpacs.dose.dicom;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dose.phantom.HuCalibration;
import org.gridpacs.dose.phantom.Phantom;

/**
 * Streams a synthetic columns x rows x slices CT series through {@link CtSeriesReader} (each slice a data set with its
 * pixel data, dropped after add) and builds the phantom; run in a JVM with a small heap by {@link CtSeriesMemoryTest}.
 * Prints "built NXxNYxNZ" on success.
 */
public final class CtMemoryCheck {
    private CtMemoryCheck() {
    }

    public static void main(String[] args) throws Exception {
        int columns = Integer.parseInt(args[0]);
        int rows = Integer.parseInt(args[1]);
        int slices = Integer.parseInt(args[2]);
        CtSeriesReader reader = new CtSeriesReader(HuCalibration.fourMedium());
        short[] px = new short[rows * columns];
        for (int k = 0; k < slices; k++) {
            for (int i = 0; i < px.length; i++) {
                px[i] = (short) ((i + k) % 2000); // -1024..975 HU: every medium
            }
            DataSet s = SyntheticCt.slice(k + 1, rows, columns, 0.98, 0.98, -250, -250, -300 + 1.5 * k, px);
            reader.add(s);
        }
        Phantom p = reader.build().phantom();
        Runtime rt = Runtime.getRuntime();
        System.out.println("built " + p.nx + "x" + p.ny + "x" + p.nz + ", heap used "
                + (rt.totalMemory() - rt.freeMemory()) / (1 << 20) + " MB of max " + rt.maxMemory() / (1 << 20) + " MB");
    }
}
