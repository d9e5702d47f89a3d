import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

public class Slugs {
    public boolean valid(String s) {
        return Pattern.compile("^[a-z0-9]+(-[a-z0-9]+)*$").matcher(s).matches(); // hotpath-expect
    }

    public List<String> clean(List<String> titles) {
        List<String> out = new ArrayList<>();
        for (String t : titles) {
            out.add(t.toLowerCase().replaceAll("[^a-z0-9]+", "-")); // hotpath-expect
        }
        return out;
    }
}
