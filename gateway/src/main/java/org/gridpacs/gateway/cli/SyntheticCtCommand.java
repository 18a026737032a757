package org.gridpacs.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.gridpacs.gateway.synthetic.SyntheticCtSeries;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pacs synthetic-ct}: writes a synthetic CT series to try the archive with (no patient data needed). */
@Command(name = "synthetic-ct",
        description = {"Write a synthetic CT series as Part 10 files: a 512x512 water cylinder with bone and lung inserts, "
                + "or (--body water-box) the dosimetry phantom, a 300 mm box of water in air on a 3 mm grid."})
final class SyntheticCtCommand implements Callable<Integer> {

    @Option(names = "--slices", paramLabel = "N", defaultValue = "300", description = "Number of slices (default: ${DEFAULT-VALUE}).")
    int slices;

    @Option(names = "--directory", required = true, paramLabel = "DIR", description = "Folder to write the files to.")
    Path directory;

    @Option(names = "--patient-id", paramLabel = "ID", defaultValue = "SYN0001", description = "Patient ID (default: ${DEFAULT-VALUE}).")
    String patientID;

    @Option(names = "--body", paramLabel = "BODY", defaultValue = "cylinder",
            description = "cylinder (512 x 512, 0.98 mm, 3 mm slices) or water-box (a 300 mm water box, 120 x 120 pixels of 3 mm, 3 mm slices; default: ${DEFAULT-VALUE}).")
    String body;

    @Override
    public Integer call() throws Exception {
        if (slices < 1 || slices > 10_000) {
            throw new UsageException("--slices must be between 1 and 10000");
        }
        SyntheticCtSeries series = switch (body) {
            case "cylinder" -> SyntheticCtSeries.standard();
            case "water-box" -> SyntheticCtSeries.waterBox(120, 3.0, 3.0, 300);
            default -> throw new UsageException("--body must be cylinder or water-box, not '" + body + "'");
        };
        String study = series.write(directory, slices, patientID, "Phantom^" + patientID);
        System.out.printf("Wrote %d CT slices of study %s to %s%n", slices, study, directory);
        return 0;
    }
}
