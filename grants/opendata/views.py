"""The public open-data page and its downloads: no sign-in, only what the fund publishes
(grants.opendata.permissions)."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render

from grants.core.table_responses import CSV, XLSX, table_response
from grants.opendata import chart, queries

PAGE_SIZE = 25


def _page(filterset, number):
    """One page: its ids from the filtered list first, then only those rows with details."""
    page = Paginator(filterset.qs.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    page.object_list = queries.rows_for(list(page.object_list))
    return page


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def open_data(request):
    filterset = queries.filtered_projects(request.GET)
    projects = filterset.qs
    money = queries.money_figures(projects)
    names = {code: province.name for code, province in queries.province_names(money).items()}
    context = {
        "filter": filterset,
        "page": _page(filterset, request.GET.get("page")),
        "query": _query_without_page(request),
        "money": money,
        "chart": chart.chart(money, names),
        "chart_width": chart.WIDTH,
        "flow_height": chart.FLOW_HEIGHT,
        "node_width": chart.NODE_WIDTH,
        "bar_height": chart.BAR_HEIGHT,
        "totals": [(names[row.code], row) for row in money.totals],
        "flows": [(names[a], names[b], amount) for (a, b), amount in money.flows.items()],
    }
    return render(request, "grants/opendata/open_data.html", context)


def _download(lines, content_type, filename):
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def open_data_json(request):
    projects = queries.filtered_projects(request.GET).qs
    return _download(
        queries.json_lines(projects), "application/json; charset=utf-8", "open-data.json"
    )


def open_data_csv(request):
    return _table(request, CSV)


def open_data_xlsx(request):
    return _table(request, XLSX)


def _table(request, file_format):
    projects = queries.filtered_projects(request.GET).qs
    return table_response(queries.open_data_table(projects), file_format, stream=True)
