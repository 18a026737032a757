package org.gridpacs.web.qido;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Statement;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * OHIF's study list is answered from the index columns alone: with every stored header wiped, it is still whole;
 * only what needs a header (an includefield the index has no column for) goes missing.
 */
class QidoFromIndexTest {
    @TempDir
    Path dir;

    @Test
    void ohifStudyListNeedsNoStoredHeader() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ds = SyntheticInstances.ct("PID-IX", "1.2.826.0.1.3680043.10.998.1", "1.2.826.0.1.3680043.10.998.1.1",
                    1, 1);
            ds.setString(Tag.StudyDescription, VR.LO, "CT chest");
            ds.setString(Tag.SeriesDate, VR.DA, "20240103");
            s.store(ds);
            s.db.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("UPDATE instance SET header = NULL");
                }
                return null;
            });
            ObjectMapper json = new ObjectMapper();
            JsonNode study = json.readTree(s.get("/dicom-web/studies?00100020=PID-IX&limit=101&offset=0"
                    + "&fuzzymatching=true&includefield=00081030%2C00080060", "application/dicom+json").body()).get(0);
            assertEquals("CT chest", study.get("00081030").get("Value").get(0).asText());
            assertEquals("Test^PID-IX", study.get("00100010").get("Value").get(0).get("Alphabetic").asText());
            assertEquals("CT", study.get("00080061").get("Value").get(0).asText());
            assertEquals("20240102", study.get("00080020").get("Value").get(0).asText());
            assertEquals(1, study.get("00201208").get("Value").get(0).asInt());
            // the series date is only in the header, now gone: sent empty, which shows where it comes from
            JsonNode series = json.readTree(s.get("/dicom-web/studies/1.2.826.0.1.3680043.10.998.1/series"
                    + "?includefield=00080021", "application/dicom+json").body()).get(0);
            assertTrue(series.has("00080021"));
            assertFalse(series.get("00080021").has("Value"));
            assertEquals("CT", series.get("00080060").get("Value").get(0).asText());
        }
    }
}
