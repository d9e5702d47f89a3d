import java.util.List;

public class Csv {
    public String render(List<List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            sb.append(String.join(",", row)).append('\n');
        }
        return sb.toString();
    }

    public int totalLength(List<String> cells) {
        int total = 0;
        for (String c : cells) {
            total += c.length();
        }
        return total;
    }
}
