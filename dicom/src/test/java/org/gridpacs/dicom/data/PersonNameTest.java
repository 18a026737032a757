package org.gridpacs.dicom.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridpacs.dicom.data.PersonName.Component;
import org.gridpacs.dicom.data.PersonName.Group;
import org.junit.jupiter.api.Test;

class PersonNameTest {

    @Test
    void parsesAllThreeGroups() {
        PersonName pn = PersonName.parse("Yamada^Tarou=山田^太郎=やまだ^たろう");
        assertEquals("Yamada", pn.get(Group.ALPHABETIC, Component.FAMILY));
        assertEquals("Tarou", pn.get(Group.ALPHABETIC, Component.GIVEN));
        assertEquals("山田", pn.get(Group.IDEOGRAPHIC, Component.FAMILY));
        assertEquals("太郎", pn.get(Group.IDEOGRAPHIC, Component.GIVEN));
        assertEquals("やまだ", pn.get(Group.PHONETIC, Component.FAMILY));
        assertEquals("たろう", pn.get(Group.PHONETIC, Component.GIVEN));
        assertEquals("", pn.get(Group.PHONETIC, Component.SUFFIX));
        assertEquals("Yamada^Tarou=山田^太郎=やまだ^たろう", pn.toString());
    }

    @Test
    void parsesAllFiveComponents() {
        PersonName pn = PersonName.parse("Adams^John Robert Quincy^^Rev.^B.A. M.Div.");
        assertEquals("Adams", pn.get(Component.FAMILY));
        assertEquals("John Robert Quincy", pn.get(Component.GIVEN));
        assertEquals("", pn.get(Component.MIDDLE));
        assertEquals("Rev.", pn.get(Component.PREFIX));
        assertEquals("B.A. M.Div.", pn.get(Component.SUFFIX));
        assertEquals("Rev. John Robert Quincy Adams, B.A. M.Div.", pn.toFormattedString());
    }

    @Test
    void toStringDropsTrailingEmptyComponentsAndGroups() {
        assertEquals("Doe^John", PersonName.parse("Doe^John^^^").toString());
        assertEquals("Doe", PersonName.parse("Doe^^^^==").toString());
        assertEquals("", PersonName.parse("^^^^").toString());
        assertEquals("Doe^^^Dr", PersonName.parse("Doe^^^Dr^").toString());
        // An empty group in the middle must stay so that the phonetic group keeps its place.
        assertEquals("Yamada^Tarou==やまだ^たろう", PersonName.parse("Yamada^Tarou==やまだ^たろう").toString());
        assertEquals("=山田^太郎", PersonName.parse("=山田^太郎").toString());
    }

    @Test
    void trimsPaddingAroundComponents() {
        PersonName pn = PersonName.parse(" Doe ^ John ");
        assertEquals("Doe", pn.get(Component.FAMILY));
        assertEquals("John", pn.get(Component.GIVEN));
        assertEquals("Doe^John", pn.toString());
    }

    @Test
    void emptyAndNull() {
        assertTrue(PersonName.parse(null).isEmpty());
        assertTrue(PersonName.parse("").isEmpty());
        assertTrue(PersonName.parse("  ").isEmpty());
        assertTrue(PersonName.parse("^^^^=^^^^").isEmpty());
        assertEquals("", PersonName.parse("").toFormattedString());
    }

    @Test
    void formattedString() {
        assertEquals("John Doe", PersonName.parse("Doe^John").toFormattedString());
        assertEquals("John R Doe", PersonName.parse("Doe^John^R").toFormattedString());
        assertEquals("Doe", PersonName.parse("Doe").toFormattedString());
        assertEquals("Dr John Doe, Jr", PersonName.parse("Doe^John^^Dr^Jr").toFormattedString());
        // No alphabetic group: shown family first, as the script writes it.
        assertEquals("山田 太郎", PersonName.parse("=山田^太郎=やまだ^たろう").toFormattedString());
        assertEquals("やまだ たろう", PersonName.parse("==やまだ^たろう").toFormattedString());
    }

    @Test
    void extraComponentsAreKeptInTheSuffixAndExtraGroupsDropped() {
        PersonName pn = PersonName.parse("A^B^C^D^E^F^G=x=y=z");
        assertEquals("E F G", pn.get(Component.SUFFIX));
        assertEquals("A^B^C^D^E F G=x=y", pn.toString());
    }

    @Test
    void buildsNames() {
        PersonName pn = PersonName.of("Doe", "John").with(Group.IDEOGRAPHIC, Component.FAMILY, "山田");
        assertEquals("Doe^John=山田", pn.toString());
        assertEquals(PersonName.parse("Doe^John=山田"), pn);
        assertNotEquals(PersonName.parse("Doe^Jane"), pn);
        assertEquals(PersonName.parse("Doe^John^^^").hashCode(), PersonName.parse("Doe^John").hashCode());
    }
}
