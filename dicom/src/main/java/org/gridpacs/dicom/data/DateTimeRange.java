package org.gridpacs.dicom.data;

import java.time.OffsetDateTime;

/**
 * A DT range matching key (PS3.4 C.2.2.2.5); a null end is open. Both ends are inclusive and compared as
 * instants, so values with different offsets compare correctly.
 *
 * @see DateTimes#parseDateTimeRange(String, java.time.ZoneOffset)
 */
public record DateTimeRange(OffsetDateTime start, OffsetDateTime end) {

    public boolean contains(OffsetDateTime dateTime) {
        return (start == null || !dateTime.isBefore(start)) && (end == null || !dateTime.isAfter(end));
    }
}
