package org.gridpacs.dose.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.InflaterInputStream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dose.dicom.CtSeries;
import org.gridpacs.dose.dicom.CtSeriesReader;
import org.gridpacs.dose.dicom.SyntheticCt;
import org.gridpacs.dose.engine.DoseJob;
import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.phantom.HuCalibration;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.junit.jupiter.api.Test;

/**
 * Privacy by construction: what a dose job sends to the workers (the job's bytes as the grid carries them) holds
 * the density/material grid, the beams and the settings, and nothing that names the patient or the study.
 */
class WhatLeavesForTheGridTest {
    @Test
    void theJobCarriesNoPatientIdentity() throws Exception {
        CtSeriesReader reader = new CtSeriesReader(HuCalibration.fourMedium());
        for (int k = 0; k < 4; k++) {
            reader.add(SyntheticCt.slice(k + 1, 8, 8, 10, 10, -35, -35, 10 * k, SyntheticCt.uniform(64, 1024)));
        }
        CtSeries ct = reader.build();
        DataSet identity = ct.patientAndStudy();
        assertEquals("PH-1", identity.getString(Tag.PatientID), "the reader kept the identity for the RT Dose");
        DoseJob job = DoseJob.raw(ct.phantom(), new BeamSource(Beam.symmetric(Beam.Kind.MV6, 100, 5, 5, 0, 0, 1.5)),
                DoseSettings.histories(1000, 1));
        byte[] sent;
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(JobBytes.encode(job)))) {
            sent = in.readAllBytes();
        }
        String asLatin1 = new String(sent, StandardCharsets.ISO_8859_1);
        String asUtf8 = new String(sent, StandardCharsets.UTF_8);
        for (String secret : List.of("PH-1", "Phantom^", "W\u00e4ter", "M\u00fcller", "A123", "19700101", SyntheticCt.STUDY,
                SyntheticCt.SERIES, SyntheticCt.FRAME_OF_REFERENCE, "1.2.826.0.1.3680043")) {
            assertFalse(asLatin1.contains(secret) || asUtf8.contains(secret), "the grid must not see '" + secret + "'");
        }
        // and the job still decodes to the same grid on the worker's side
        assertEquals(ct.phantom().voxels(), JobBytes.decode(JobBytes.encode(job)).phantom().voxels());
    }
}
