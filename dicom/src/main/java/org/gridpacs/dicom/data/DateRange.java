package org.gridpacs.dicom.data;

import java.time.LocalDate;

/**
 * A DA range matching key (PS3.4 C.2.2.2.5); a null end is open. Both ends are inclusive.
 *
 * @see DateTimes#parseDateRange(String)
 */
public record DateRange(LocalDate start, LocalDate end) {

    public boolean contains(LocalDate date) {
        return (start == null || !date.isBefore(start)) && (end == null || !date.isAfter(end));
    }
}
