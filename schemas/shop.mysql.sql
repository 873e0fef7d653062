-- The project's MySQL/MariaDB test schema, with rows. Used by tests/integration/mysql.rs.
CREATE TABLE customers (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email       VARCHAR(120) NOT NULL,
    full_name   VARCHAR(80) NOT NULL,
    tier        ENUM('free', 'pro', 'enterprise') NOT NULL DEFAULT 'free',
    flags       SET('beta', 'vip') NOT NULL DEFAULT '',
    active      TINYINT(1) NOT NULL DEFAULT 1,
    born        YEAR,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    referred_by INT UNSIGNED,
    profile     JSON,
    UNIQUE KEY customers_email (email),
    CONSTRAINT customers_referrer FOREIGN KEY (referred_by) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `Order` (
    `OrderId`    BIGINT NOT NULL AUTO_INCREMENT,
    `CustomerId` INT UNSIGNED NOT NULL,
    `Total`      DECIMAL(10,2) NOT NULL,
    `Placed`     DATETIME NOT NULL,
    `Shipped`    DATETIME NULL,
    `Doubled`    DECIMAL(12,2) AS (`Total` * 2) STORED,
    PRIMARY KEY (`OrderId`),
    CONSTRAINT `Order_customer` FOREIGN KEY (`CustomerId`) REFERENCES customers (id),
    CONSTRAINT `Order_total` CHECK (`Total` >= 0),
    CONSTRAINT `Order_shipped` CHECK (`Shipped` >= `Placed`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE order_lines (
    order_id BIGINT NOT NULL,
    line_no  SMALLINT UNSIGNED NOT NULL,
    qty      INT NOT NULL CHECK (qty BETWEEN 1 AND 99),
    note     VARCHAR(40) CHARACTER SET utf8mb3 NULL,
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT lines_order FOREIGN KEY (order_id) REFERENCES `Order` (`OrderId`)
) ENGINE=InnoDB;

-- A cycle broken by the nullable head_id.
CREATE TABLE teams (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, head_id INT NULL) ENGINE=InnoDB;
CREATE TABLE members (
    id INT PRIMARY KEY,
    team_id INT NOT NULL,
    CONSTRAINT members_team FOREIGN KEY (team_id) REFERENCES teams (id)
) ENGINE=InnoDB;
ALTER TABLE teams ADD CONSTRAINT teams_head FOREIGN KEY (head_id) REFERENCES members (id);

CREATE VIEW big_orders AS SELECT * FROM `Order` WHERE `Total` > 100;

INSERT INTO customers (email, full_name, tier, flags, active, born, created_at, referred_by, profile)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
SELECT CONCAT('c', i, '@example.com'), CONCAT('Customer ', i), ELT(1 + i % 3, 'free', 'pro', 'enterprise'),
       IF(i % 4 = 0, 'beta', ''), i % 2, 1950 + i % 50, TIMESTAMP '2020-01-01 00:00:00' + INTERVAL i DAY,
       IF(i > 1 AND i % 3 = 0, i - 1, NULL), IF(i % 5 = 0, NULL, JSON_OBJECT('n', i))
FROM n;

INSERT INTO `Order` (`CustomerId`, `Total`, `Placed`, `Shipped`)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
SELECT 1 + i % 150, (i % 400) + 0.5, TIMESTAMP '2021-01-01 00:00:00' + INTERVAL i HOUR,
       IF(i % 3 = 0, NULL, TIMESTAMP '2021-01-01 00:00:00' + INTERVAL i + 30 HOUR)
FROM n;

INSERT INTO order_lines (order_id, line_no, qty, note)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
SELECT i, l.l, 1 + (i + l.l) % 20, IF(i % 2 = 0, 'handle with care', NULL)
FROM n CROSS JOIN (SELECT 1 AS l UNION ALL SELECT 2) AS l;

INSERT INTO teams (id, name) VALUES (1, 'red'), (2, 'blue'), (3, 'green');
INSERT INTO members (id, team_id) VALUES (1, 1), (2, 1), (3, 2), (4, 3), (5, 3);
UPDATE teams SET head_id = id + 1 WHERE id < 3;
