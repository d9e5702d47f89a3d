import java.util.List;

public class Csv {
    public String render(List<List<String>> rows) {
        String out = "";
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                out += row.get(i); // hotpath-expect
                if (i < row.size() - 1) {
                    out = out + ","; // hotpath-expect
                }
            }
            out += "\n"; // hotpath-expect
        }
        return out;
    }
}
