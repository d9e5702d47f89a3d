import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

public class Slugs {
    private static final Pattern SLUG = Pattern.compile("^[a-z0-9]+(-[a-z0-9]+)*$");
    private static final Pattern INVALID = Pattern.compile("[^a-z0-9]+");

    public boolean valid(String s) {
        return SLUG.matcher(s).matches();
    }

    public List<String> clean(List<String> titles) {
        List<String> out = new ArrayList<>();
        for (String t : titles) {
            out.add(INVALID.matcher(t.toLowerCase()).replaceAll("-"));
        }
        return out;
    }

    public Pattern userPattern(String regex) {
        return Pattern.compile(regex);
    }
}
