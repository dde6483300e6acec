-- gold.revenue_by_nation_month: revenue, orders and order lines per customer nation and
-- order month.
SELECT
    CAST(date_trunc('MONTH', o.o_orderdate) AS DATE) AS order_month,
    year(o.o_orderdate)                              AS order_year,
    n.n_name                                         AS nation,
    r.r_name                                         AS region,
    SUM(l.l_extendedprice * (1 - l.l_discount))      AS revenue,
    COUNT(DISTINCT o.o_orderkey)                     AS orders,
    COUNT(*)                                         AS order_lines
FROM silver.lineitem l
JOIN silver.orders o ON o.o_orderkey = l.l_orderkey
JOIN silver.customer c ON c.c_custkey = o.o_custkey
JOIN silver.nation n ON n.n_nationkey = c.c_nationkey
JOIN silver.region r ON r.r_regionkey = n.n_regionkey
GROUP BY 1, 2, 3, 4
